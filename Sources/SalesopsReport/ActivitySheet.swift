import SalesopsSQLite
import SalesopsXLSX

/// Activity: effective calls per business day of the window — the department's (every call, a rep's or
/// not), its norm (the sum of the working reps' norms, `norm_daily`) and each rep's — with a chart of
/// the department against its norm (two lines, readable however many reps there are).
enum ActivitySheet {
    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        let name = t("sheet.activity")
        let sheet = try book.addSheet(name)
        sheet.write(0, 0, "\(t("title.activity")) (\(String(format: t("talk_over"), c.effectiveSecs)))", ReportContext.title)
        let first = c.windowDays.first ?? c.asOfText
        let reps = try c.db.query("""
            SELECT rep_id, name FROM reps
            WHERE (active_from IS NULL OR active_from <= ?2) AND (active_to IS NULL OR active_to >= ?1)
            ORDER BY team, name, rep_id
            """, [.text(first), .text(c.asOfText)])
        // Column B labels the days as text, so that charts show business days only (a date axis
        // would draw the weekends as gaps).
        var titles: [(String, Double)] = [(t("date"), 12), (t("day"), 10), (t("department_total"), 12),
                                          (t("department_norm"), 12)]
        for rep in reps { titles.append((rep[1].string ?? "", 14)) }
        c.header(sheet, row: 2, titles)
        var values: [String: [String: Int]] = [:]
        for r in try c.db.query("""
            SELECT local_date, rep_id, value FROM rep_metric_daily
            WHERE metric = 'calls_effective' AND rep_id IS NOT NULL AND local_date BETWEEN ? AND ?
            """, [.text(first), .text(c.asOfText)]) {
            values[r[0].string ?? "", default: [:]][r[1].string ?? ""] = r[2].int ?? 0
        }
        // The department's day (every call, a rep's or not) and its norm (the working reps' norms).
        var department: [String: (value: Double, norm: Double)] = [:]
        for r in try c.db.query("""
            SELECT local_date, SUM(value), SUM(norm) FROM (
                SELECT local_date, value, 0 AS norm FROM rep_metric_daily WHERE metric = 'calls_effective'
                UNION ALL
                SELECT local_date, 0, norm FROM norm_daily WHERE metric = 'calls_effective') AS day
            WHERE local_date BETWEEN ? AND ? GROUP BY local_date
            """, [.text(first), .text(c.asOfText)]) {
            department[r[0].string ?? ""] = (r[1].double ?? 0, r[2].double ?? 0)
        }
        for (i, day) in c.windowDays.enumerated() {
            c.writeDate(sheet, 3 + i, 0, day)
            sheet.write(3 + i, 1, c.dayLabel(day))
            sheet.write(3 + i, 2, department[day]?.value ?? 0, ReportContext.totalCount)
            sheet.write(3 + i, 3, department[day]?.norm ?? 0, ReportContext.decimal)
            for (j, rep) in reps.enumerated() {
                sheet.write(3 + i, 4 + j, values[day]?[rep[0].string ?? ""] ?? 0, ReportContext.count)
            }
        }
        sheet.freeze(rows: 3, cols: 2)
        let last = 3 + max(c.windowDays.count, 1) - 1
        sheet.autofilter(firstRow: 2, firstCol: 0, lastRow: last, lastCol: reps.count + 3)
        guard !c.windowDays.isEmpty else { return }
        let categories = ReportContext.ref(name, "$B$4:$B$\(last + 1)")
        let series = [(t("department_total"), "C"), (t("department_norm"), "D")].map { title, col in
            (name: title, categories: categories, values: ReportContext.ref(name, "$\(col)$4:$\(col)$\(last + 1)"))
        }
        if let chart = book.addChart(.line, title: t("title.activity"), series: series, xTitle: t("date"),
                                         yTitle: t("calls")) {
            sheet.insert(chart, row: last + 2, col: 0, xScale: 2, yScale: 1.4)
        }
    }
}
