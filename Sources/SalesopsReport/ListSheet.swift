import SalesopsSQLite
import SalesopsXLSX

/// One column of a sheet's table: the query column it shows (by name), its caption, width, type and
/// colour rule. A sheet is a list of these over one query; ``TableWriter`` renders every sheet.
struct ColumnSpec {
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
        /// A metric's figure, formatted by the row's `unit` column (`count`, `decimal`, `money`).
        case figure
        /// 0/1 as yes/no, each answer with its own style (nil: plain).
        case flag(yes: CellStyle?, no: CellStyle?)
        /// A code shown through a caption (`prefix` + value).
        case caption(prefix: String)
    }

    enum Colour {
        case none
        /// A fraction of a norm: red under 80 %, amber under 100 %, green at or above.
        case normShare
        /// `high` / `medium` / `low`: red, amber, green (a `caption` column's code).
        case severity
    }

    var field: String
    var caption: String
    var width: Double
    var kind: Kind
    var colour: Colour = .none

    init(_ field: String, _ caption: String, _ width: Double, _ kind: Kind, colour: Colour = .none) {
        self.field = field
        self.caption = caption
        self.width = width
        self.kind = kind
        self.colour = colour
    }
}

/// Renders rows of a query under a header, each cell typed and styled by its column's spec. A row
/// whose `row_style` column says `total` is bold with a border (department totals).
enum TableWriter {
    /// Writes the header at `headerRow` and the rows below it; returns the index of the last row written
    /// (the header's when there are none).
    @discardableResult
    /// `printHeader`: this header is the one repeated on printed pages (a second table under the first
    /// keeps the first one's).
    static func write(_ sheet: XLSXSheet, context c: ReportContext, columns: [ColumnSpec], table: SQLTable,
                      headerRow: Int, printHeader: Bool = true) throws -> Int {
        let t = c.captions
        if printHeader {
            c.header(sheet, row: headerRow, columns.map { ($0.caption, $0.width) })
        } else {
            sheet.setRowHeight(headerRow, 32)
            for (i, column) in columns.enumerated() { sheet.write(headerRow, i, column.caption, ReportContext.header) }
        }
        let indexes = try columns.map { column -> Int in
            guard let i = table.index(column.field) else {
                throw ReportError("the sheet's column '\(column.field)' is not in its query (\(table.columns.joined(separator: ", ")))")
            }
            return i
        }
        let unit = table.index("unit")
        let rowStyle = table.index("row_style")
        var row = headerRow + 1
        for values in table.rows {
            let total = rowStyle.map { values[$0].string == "total" } ?? false
            for (col, column) in columns.enumerated() {
                let v = values[indexes[col]]
                switch column.kind {
                case .text:
                    if let text = v.string { sheet.write(row, col, text, total ? ReportContext.totalText : nil) }
                    else { sheet.writeBlank(row, col, total ? ReportContext.totalText : nil) }
                case .epoch: if let e = v.int { c.writeLocalTime(sheet, row, col, epoch: Int64(e)) } else { sheet.writeBlank(row, col) }
                case .date: if let d = v.string { c.writeDate(sheet, row, col, d) } else { sheet.writeBlank(row, col) }
                case .count: c.writeValue(sheet, row, col, v, total ? ReportContext.totalCount : ReportContext.count)
                case .decimal: c.writeValue(sheet, row, col, v, total ? ReportContext.totalDecimal : ReportContext.decimal)
                case .money: c.writeValue(sheet, row, col, v, total ? ReportContext.totalMoney : ReportContext.money)
                case .percent: c.writeValue(sheet, row, col, v, total ? ReportContext.totalPercent : ReportContext.percent)
                case .figure:
                    let style: CellStyle
                    switch unit.flatMap({ values[$0].string }) {
                    case "money": style = total ? ReportContext.totalMoney : ReportContext.money
                    case "decimal": style = total ? ReportContext.totalDecimal : ReportContext.decimal
                    default: style = total ? ReportContext.totalCount : ReportContext.count
                    }
                    c.writeValue(sheet, row, col, v, style)
                case let .flag(yesStyle, noStyle):
                    if v.isNull { sheet.writeBlank(row, col); break }
                    let yes = v.int == 1
                    sheet.write(row, col, yes ? t("yes") : t("no"), yes ? yesStyle : noStyle)
                case let .caption(prefix):
                    let fill: CellStyle?
                    switch (column.colour, v.string) {
                    case (.severity, "high"): fill = ReportContext.red
                    case (.severity, "medium"): fill = ReportContext.yellow
                    case (.severity, "low"): fill = ReportContext.green
                    default: fill = nil
                    }
                    if let code = v.string { sheet.write(row, col, t(prefix + code), fill) } else { sheet.writeBlank(row, col) }
                }
            }
            row += 1
        }
        let last = row - 1
        for (col, column) in columns.enumerated() where last > headerRow {
            if case .normShare = column.colour { c.normColours(sheet, col: col, firstRow: headerRow + 1, lastRow: last) }
        }
        return last
    }
}

/// A sheet that lists the rows of one query under a title and a header.
struct ListSheet {
    let name: String
    let title: String
    let columns: [ColumnSpec]
    /// A line under the title (what the list holds and what is left out).
    var note: String?

    init(name: String, title: String, note: String? = nil, columns: [ColumnSpec]) {
        self.name = name
        self.title = title
        self.note = note
        self.columns = columns
    }

    /// Writes the sheet; returns the rows written.
    @discardableResult
    func write(book: XLSXWorkbook, context c: ReportContext, sql: String, _ args: [SQLValue] = []) throws -> Int {
        let sheet = try book.addSheet(name)
        sheet.write(0, 0, title, ReportContext.title)
        if let note { sheet.write(1, 0, note) }
        let table = try c.db.table(sql, args)
        let last = try TableWriter.write(sheet, context: c, columns: columns, table: table, headerRow: 2)
        sheet.freeze(rows: 3)
        sheet.autofilter(firstRow: 2, firstCol: 0, lastRow: max(last, 3), lastCol: columns.count - 1)
        if table.rows.isEmpty { sheet.write(3, 0, c.captions("list.empty")) }
        return table.rows.count
    }
}

/// A report that cannot be laid out as specified (a programming error, not bad data).
struct ReportError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
