import Foundation
import SalesopsCore
import SalesopsSQLite
import SalesopsXLSX

/// Writes `department.xlsx` and one `rep-<rep_id>.xlsx` per active rep for an as-of date from the
/// warehouse relations (`alerts`, `rep_period`, `alert_items`, …), which the caller has built for that
/// date. Every figure is read with SQL; this code only lays it out.
public struct DepartmentReport {
    /// Where the relations are read: a SQLite warehouse file, or an open connection to a warehouse
    /// (PostgreSQL's, its schema on the search path) with its dialect.
    public enum Source {
        case sqlite(path: String)
        case connection(SQLConnection, SQLDialect)
    }

    public let source: Source
    public let asOf: Int
    public let company: CompanySettings
    /// Business days shown in the Activity sheet, ending at the as-of date.
    public let activityDays: Int

    public init(source: Source, asOf: Int, company: CompanySettings, activityDays: Int = 20) {
        self.source = source
        self.asOf = asOf
        self.company = company
        self.activityDays = activityDays
    }

    public init(warehousePath: String, asOf: Int, company: CompanySettings, activityDays: Int = 20) {
        self.init(source: .sqlite(path: warehousePath), asOf: asOf, company: company, activityDays: activityDays)
    }

    /// Writes `department.xlsx` to `path` and the reps' workbooks beside it, each through a temporary
    /// file renamed into place; returns the reps' workbook paths.
    @discardableResult
    public func write(to path: String) throws -> [String] {
        try writeDepartment(to: path)
        return try writeRepBooks(folder: (path as NSString).deletingLastPathComponent)
    }

    /// The sheets' context and what ends it. A SQLite file is opened for writing but used read-only:
    /// after a killed run SQLite must be able to recover (roll back a hot journal, rebuild the WAL index)
    /// before anything is read. A given connection stays open.
    private func context() throws -> (ReportContext, close: () -> Void) {
        func make(_ db: SQLConnection, _ dialect: SQLDialect) throws -> ReportContext {
            try ReportContext(db: db, dialect: dialect, asOf: asOf, captions: Captions(language: company.reportLanguage),
                              clock: ZoneClock(identifier: company.timeZone)!, activityDays: activityDays)
        }
        switch source {
        case let .connection(db, dialect):
            return (try make(db, dialect), {})
        case let .sqlite(path):
            let db = try SQLiteDatabase(path: path)
            do {
                try db.execute("PRAGMA query_only = 1")
                return (try make(db, .sqlite), { db.close() })
            } catch {
                db.close()
                throw error
            }
        }
    }

    /// Writes `department.xlsx`.
    public func writeDepartment(to path: String) throws {
        let (context, close) = try context()
        defer { close() }
        try book(path, context) { book in
            try AlertsSheet.write(book: book, context: context)
            try SummarySheet.write(book: book, context: context)
            try ToDoSheets.write(book: book, context: context)
            try WorktimeSheet.write(book: book, context: context)
            try ActivitySheet.write(book: book, context: context)
            if try CRMSheets.hasData(context) { try CRMSheets.funnel(book: book, context: context) }
            try DataQualitySheet.write(book: book, context: context)
            try DefinitionsSheet.write(book: book, context: context)
        }
    }

    /// Writes `rep-<rep_id>.xlsx` in `folder` for each rep active on the as-of date; returns their paths.
    public func writeRepBooks(folder: String) throws -> [String] {
        let (context, close) = try context()
        defer { close() }
        var written: [String] = []
        for rep in try context.db.query("""
            SELECT rep_id, name FROM reps
            WHERE (active_from IS NULL OR active_from <= ?1) AND (active_to IS NULL OR active_to >= ?1)
            ORDER BY rep_id
            """, [.text(context.asOfText)]) {
            guard let id = rep[0].string, let name = rep[1].string else { continue }
            let repPath = (folder as NSString).appendingPathComponent("rep-\(Self.fileSafe(id)).xlsx")
            let own = context.scoped(to: id, name: name)
            try book(repPath, own) { book in
                try AlertsSheet.write(book: book, context: own)
                try SummarySheet.write(book: book, context: own)
                try ToDoSheets.write(book: book, context: own)
                try WorktimeSheet.write(book: book, context: own)
            }
            written.append(repPath)
        }
        return written
    }

    /// Writes one workbook through a temporary file renamed into place.
    private func book(_ path: String, _ context: ReportContext, _ sheets: (XLSXWorkbook) throws -> Void) throws {
        let created = Date(timeIntervalSince1970: TimeInterval(asOf) * 86_400)
        try ReportFile.replace(path) { temporary in
            let book = try XLSXWorkbook(path: temporary, created: created,
                                        title: "\(context.captions("title.summary")) \(context.asOfText)",
                                        company: company.name)
            try sheets(book)
            try book.close()
        }
    }

    /// A rep id as a file name: letters, digits, `-` and `_` kept, anything else as `_`.
    static func fileSafe(_ id: String) -> String {
        String(id.unicodeScalars.map { s -> Character in
            s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_" ? Character(s) : "_"
        })
    }
}

/// What every sheet needs: the warehouse, the period bounds and the captions.
struct ReportContext {
    let db: SQLConnection
    /// What the sheets' SQL writes differently for the warehouse's engine.
    let dialect: SQLDialect
    let asOf: Int
    let asOfText: String
    let weekStart: String
    let monthStart: String
    let captions: Captions
    let clock: ZoneClock
    /// Business days of the Activity window, oldest first.
    let windowDays: [String]
    let effectiveSecs: Int
    let callbackWindowMins: Int
    let leadSLAMins: Int
    let dealTouchDays: Int
    /// The last successful run, if any.
    let runID: Int?
    /// The end of the as-of day and the start of its month, UTC epochs.
    let asOfEnd: Int64
    let monthStartEpoch: Int64
    /// A rep's own workbook: the rep's id and name (nil: the department's).
    private(set) var rep: String?
    private(set) var repName = ""

    init(db: SQLConnection, dialect: SQLDialect, asOf: Int, captions: Captions, clock: ZoneClock, activityDays: Int) throws {
        let (year, month, _) = CivilTime.civilFromDays(asOf)
        self.db = db
        self.dialect = dialect
        self.asOf = asOf
        asOfText = CivilTime.dateString(days: asOf)
        asOfEnd = clock.utc(fromLocal: Int64(asOf + 1) * 86_400)
        monthStartEpoch = clock.utc(fromLocal: Int64(CivilTime.daysFromCivil(year: year, month: month, day: 1)) * 86_400)
        weekStart = CivilTime.dateString(days: asOf - (CivilTime.isoWeekday(days: asOf) - 1))
        monthStart = CivilTime.dateString(days: CivilTime.daysFromCivil(year: year, month: month, day: 1))
        self.captions = captions
        self.clock = clock
        windowDays = try db.query("""
            SELECT local_date FROM calendar
            WHERE is_business_day = 1 AND local_date <= ?1
              AND local_date >= COALESCE((SELECT MIN(local_date) FROM rep_daily), ?1)
            ORDER BY local_date DESC LIMIT ?2
            """, [.text(asOfText), .integer(Int64(activityDays))]).compactMap { $0[0].string }.reversed()
        effectiveSecs = try db.scalar("SELECT value FROM settings WHERE key = 'effective_call_secs'")?.string.flatMap { Int($0) } ?? 30
        callbackWindowMins = try db.scalar("SELECT value FROM settings WHERE key = 'callback_window_mins'")?.string.flatMap { Int($0) } ?? 60
        leadSLAMins = try db.scalar("SELECT value FROM settings WHERE key = 'lead_sla_mins'")?.string.flatMap { Int($0) } ?? 15
        dealTouchDays = try db.scalar("SELECT value FROM settings WHERE key = 'deal_touch_days'")?.string.flatMap { Int($0) } ?? 7
        // The last committed run up to the as-of date that read rows: a no-op night does not change it.
        runID = try db.scalar("""
            SELECT MAX(run_id) FROM etl_runs
            WHERE status IN ('ok', 'no_data', 'report_failed') AND as_of <= ? AND rows_read > 0
            """, [.text(asOfText)])?.int
    }

    /// The same context for one rep's workbook.
    func scoped(to rep: String, name: String) -> ReportContext {
        var c = self
        c.rep = rep
        c.repName = name
        return c
    }

    /// `20.11` for `2026-11-20`.
    func shortDate(_ text: String) -> String {
        guard let days = CivilTime.days(fromDateString: text) else { return text }
        let (_, m, d) = CivilTime.civilFromDays(days)
        return String(format: "%02d.%02d", d, m)
    }

    static let header = CellStyle(bold: true, background: 0xDDE5F0, wrap: true, border: true)
    static let wrapped = CellStyle(wrap: true)
    static let muted = CellStyle(fontColor: 0x808080)
    static let title = CellStyle(bold: true)
    // Counts and amounts with thousands separators (1,005,000 — shown as the reader's locale groups them).
    static let count = CellStyle(numberFormat: "#,##0")
    static let decimal = CellStyle(numberFormat: "#,##0.0")
    static let money = CellStyle(numberFormat: "#,##0.00")
    static let percent = CellStyle(numberFormat: "0%")
    static let date = CellStyle(numberFormat: "yyyy-mm-dd")
    static let dateTime = CellStyle(numberFormat: "yyyy-mm-dd hh:mm")
    static let totalText = CellStyle(bold: true, border: true)
    static let totalCount = CellStyle(bold: true, numberFormat: "#,##0", border: true)
    static let totalDecimal = CellStyle(bold: true, numberFormat: "#,##0.0", border: true)
    static let totalPercent = CellStyle(bold: true, numberFormat: "0%", border: true)
    static let totalMoney = CellStyle(bold: true, numberFormat: "#,##0.00", border: true)
    static let red = CellStyle(background: 0xF8CBAD)
    static let yellow = CellStyle(background: 0xFFEB9C)
    static let green = CellStyle(background: 0xC6EFCE)

    /// Writes a header row, sets column widths, and sets the printed page: A4 landscape on one page
    /// width, the rows down to the header repeated on every page, a footer with the as-of date and the
    /// page numbers.
    func header(_ sheet: XLSXSheet, row: Int, _ titles: [(String, Double)]) {
        sheet.printOnA4(headerRow: row, footer: "salesops · \(captions("title.summary")) \(asOfText)",
                        pageCaption: (captions("print.page"), captions("print.of")))
        sheet.setRowHeight(row, 32)
        for (i, (title, width)) in titles.enumerated() {
            sheet.write(row, i, title, Self.header)
            sheet.setColumn(i, i, width: width)
        }
    }

    /// Writes a UTC instant as a local Excel date-time.
    func writeLocalTime(_ sheet: XLSXSheet, _ row: Int, _ col: Int, epoch: Int64) {
        let local = epoch + Int64(clock.offset(atUTC: epoch))
        let days = Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
        let secs = Int(local - Int64(days) * 86_400)
        let (y, m, d) = CivilTime.civilFromDays(days)
        sheet.writeDate(row, col, year: y, month: m, day: d, hour: secs / 3600, minute: secs % 3600 / 60,
                        second: secs % 60, Self.dateTime)
    }

    /// Writes `YYYY-MM-DD` as an Excel date.
    func writeDate(_ sheet: XLSXSheet, _ row: Int, _ col: Int, _ text: String) {
        guard let days = CivilTime.days(fromDateString: text) else { return sheet.write(row, col, text) }
        let (y, m, d) = CivilTime.civilFromDays(days)
        sheet.writeDate(row, col, year: y, month: m, day: d, Self.date)
    }

    /// A short text label of a date: `09.11 пн`.
    func dayLabel(_ text: String) -> String {
        guard let days = CivilTime.days(fromDateString: text) else { return text }
        let names = captions.language == .ru ? ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
            : ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        return shortDate(text) + " " + names[CivilTime.isoWeekday(days: days) - 1]
    }

    /// Writes a SQL value as a typed cell: numbers as numbers, text as text, NULL as blank.
    func writeValue(_ sheet: XLSXSheet, _ row: Int, _ col: Int, _ value: SQLValue, _ style: CellStyle? = nil) {
        switch value {
        case let .integer(v): sheet.write(row, col, Double(v), style ?? Self.count)
        case let .real(v): sheet.write(row, col, v, style ?? Self.decimal)
        case let .text(v): sheet.write(row, col, v, style)
        case .null: sheet.writeBlank(row, col, style)
        }
    }

    /// Colours a column of fractions of a norm: red under 80 %, yellow under 100 %, green at or above.
    func normColours(_ sheet: XLSXSheet, col: Int, firstRow: Int, lastRow: Int) {
        guard lastRow >= firstRow else { return }
        sheet.conditional(firstRow: firstRow, firstCol: col, lastRow: lastRow, lastCol: col, .lessThan(0.8), style: Self.red)
        sheet.conditional(firstRow: firstRow, firstCol: col, lastRow: lastRow, lastCol: col, .between(0.8, 0.99999), style: Self.yellow)
        sheet.conditional(firstRow: firstRow, firstCol: col, lastRow: lastRow, lastCol: col, .greaterThanOrEqual(1), style: Self.green)
    }

    /// Quotes a sheet name for a range reference.
    static func ref(_ sheet: String, _ range: String) -> String {
        "='\(sheet.replacingOccurrences(of: "'", with: "''"))'!\(range)"
    }

    /// Excel column letters for a 0-based index.
    static func column(_ index: Int) -> String {
        var n = index + 1, s = ""
        while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(65 + r)!) + s; n = (n - 1) / 26 }
        return s
    }
}
