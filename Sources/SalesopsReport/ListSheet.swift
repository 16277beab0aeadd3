import SalesopsSQLite
import SalesopsXLSX

/// A sheet that lists the rows of one query under a title and a header, typed per column.
struct ListSheet {
    enum Kind {
        /// Text as is (ids and phones stay text).
        case text
        /// Seconds since the epoch, written as a local Excel date-time.
        case epoch
        /// `YYYY-MM-DD`, written as an Excel date.
        case date
        case count
        case decimal
        /// A money amount: two decimals, thousands separators.
        case money
        case percent
        /// 0/1 as yes/no, each answer with its own style (nil: plain).
        case flag(yes: CellStyle?, no: CellStyle?)
        /// A direction or other code shown through a caption prefix (`dir.` + value).
        case caption(prefix: String)
    }

    struct Column {
        var caption: String
        var width: Double
        var kind: Kind
    }

    /// A yes/no column where yes is bad (red).
    static let redWhenYes = Kind.flag(yes: ReportContext.red, no: nil)

    let name: String
    let title: String
    let columns: [Column]

    /// Writes the sheet; returns the rows written.
    @discardableResult
    func write(book: XLSXWorkbook, context c: ReportContext, sql: String, _ args: [SQLValue] = []) throws -> Int {
        let t = c.captions
        let sheet = try book.addSheet(name)
        sheet.write(0, 0, title, ReportContext.title)
        c.header(sheet, row: 2, columns.map { ($0.caption, $0.width) })
        var row = 3
        for r in try c.db.query(sql, args) {
            for (col, column) in columns.enumerated() where col < r.count {
                let v = r[col]
                switch column.kind {
                case .text:
                    if let text = v.string ?? v.int.map(String.init) { sheet.write(row, col, text) } else { sheet.writeBlank(row, col) }
                case .epoch: if let e = v.int { c.writeLocalTime(sheet, row, col, epoch: Int64(e)) } else { sheet.writeBlank(row, col) }
                case .date: if let d = v.string { c.writeDate(sheet, row, col, d) } else { sheet.writeBlank(row, col) }
                case .count: c.writeValue(sheet, row, col, v, ReportContext.count)
                case .decimal: c.writeValue(sheet, row, col, v, ReportContext.decimal)
                case .money: c.writeValue(sheet, row, col, v, ReportContext.money)
                case .percent: c.writeValue(sheet, row, col, v, ReportContext.percent)
                case let .flag(yesStyle, noStyle):
                    if v.isNull { sheet.writeBlank(row, col); break }
                    let yes = v.int == 1
                    sheet.write(row, col, yes ? t("yes") : t("no"), yes ? yesStyle : noStyle)
                case let .caption(prefix):
                    sheet.write(row, col, v.string.map { t(prefix + $0) } ?? "")
                }
            }
            row += 1
        }
        sheet.freeze(rows: 3)
        sheet.autofilter(firstRow: 2, firstCol: 0, lastRow: max(row - 1, 3), lastCol: columns.count - 1)
        return row - 3
    }
}
