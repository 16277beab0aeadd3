import SalesopsSQLite
import SalesopsXLSX

/// Activity: effective calls per rep per business day of the window, with a line chart.
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
        var titles: [(String, Double)] = [(t("date"), 12), (t("day"), 10)]
        for rep in reps { titles.append((rep[1].string ?? "", 14)) }
        c.header(sheet, row: 2, titles)
        var values: [String: [String: Int]] = [:]
        for r in try c.db.query("""
            SELECT local_date, rep_id, calls_out_effective + calls_in_effective FROM rep_daily
            WHERE local_date BETWEEN ? AND ?
            """, [.text(first), .text(c.asOfText)]) {
            values[r[0].string ?? "", default: [:]][r[1].string ?? ""] = r[2].int ?? 0
        }
        for (i, day) in c.windowDays.enumerated() {
            c.writeDate(sheet, 3 + i, 0, day)
            sheet.write(3 + i, 1, c.dayLabel(day))
            for (j, rep) in reps.enumerated() {
                sheet.write(3 + i, 2 + j, values[day]?[rep[0].string ?? ""] ?? 0, ReportContext.count)
            }
        }
        sheet.freeze(rows: 3, cols: 2)
        let last = 3 + max(c.windowDays.count, 1) - 1
        sheet.autofilter(firstRow: 2, firstCol: 0, lastRow: last, lastCol: reps.count + 1)
        guard !c.windowDays.isEmpty, !reps.isEmpty else { return }
        let categories = ReportContext.ref(name, "$B$4:$B$\(last + 1)")
        let series = reps.enumerated().map { j, rep in
            let col = ReportContext.column(2 + j)
            return (name: rep[1].string ?? "", categories: categories,
                    values: ReportContext.ref(name, "$\(col)$4:$\(col)$\(last + 1)"))
        }
        if let chart = book.addChart(.line, title: t("title.activity"), series: series, xTitle: t("date"),
                                         yTitle: t("calls")) {
            sheet.insert(chart, row: last + 2, col: 0, xScale: 2, yScale: 1.4)
        }
    }
}
