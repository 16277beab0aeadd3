import SalesopsSQLite
import SalesopsXLSX

/// Summary: `rep_period` laid out per metric — each rep, the calls and mail of no rep, and the
/// department total — for the as-of day, the week and month to date and the previous week, each
/// against its norm. Every figure is a row of `rep_period`; this only pivots the periods into columns.
enum SummarySheet {
    static let periods = ["day", "wtd", "mtd", "prev_week"]

    /// The periods as columns; metrics shown: every normed one, and any other with a figure. `scope`
    /// picks the rows: every row (the department's workbook) or one rep's (`?2`), so that the index on
    /// `rep_period(as_of, rep_id)` serves a rep's workbook.
    static func query(perRep: Bool) -> String {
        let scope = perRep ? "p.scope = 'rep' AND p.rep_id = ?2" : "1"
        let shown = perRep ? "rep_id = ?2" : "1"
        return """
        SELECT p.metric, COALESCE(cap.text, p.metric) AS metric_name, m.unit,
               CASE p.scope WHEN 'rep' THEN COALESCE(r.name, p.rep_id) WHEN 'no_rep' THEN ?3 ELSE ?4 END AS rep,
               r.team,
               CASE p.scope WHEN 'department' THEN 'total' END AS row_style,
               \(periods.map { p in """
                   MAX(CASE WHEN p.period = '\(p)' THEN p.value END) AS \(p)_value,
                   MAX(CASE WHEN p.period = '\(p)' THEN p.norm END) AS \(p)_norm,
                   MAX(CASE WHEN p.period = '\(p)' THEN p.pct_of_norm END) AS \(p)_pct
               """ }.joined(separator: ",\n"))
        FROM rep_period p
        JOIN metrics m ON m.metric = p.metric
        LEFT JOIN reps r ON r.rep_id = p.rep_id
        LEFT JOIN captions cap ON cap.language = ?5 AND cap.key = 'metric.' || p.metric
        WHERE p.as_of = ?1 AND \(scope)
          AND p.metric IN (SELECT metric FROM rep_period
                           WHERE as_of = ?1 AND \(shown) AND (norm IS NOT NULL OR value != 0))
          AND (p.scope != 'no_rep' OR p.metric IN (SELECT metric FROM rep_period
                                                   WHERE as_of = ?1 AND scope = 'no_rep' AND value != 0))
        GROUP BY p.metric, p.scope, p.rep_id
        ORDER BY m.position, CASE p.scope WHEN 'rep' THEN 0 WHEN 'no_rep' THEN 1 ELSE 2 END, r.team, r.name, p.rep_id
        """
    }

    static func columns(_ c: ReportContext, perRep: Bool) -> [ColumnSpec] {
        let t = c.captions
        var columns: [ColumnSpec] = [.init("metric_name", t("metric"), 22, .text)]
        if !perRep { columns += [.init("rep", t("rep"), 22, .text), .init("team", t("team"), 16, .text)] }
        for p in periods {
            columns += [.init("\(p)_value", t("fact"), 10, .figure), .init("\(p)_norm", t("norm"), 10, .figure),
                        .init("\(p)_pct", t("pct_norm"), 8, .percent, colour: .normShare)]
        }
        return columns
    }

    /// Writes the sheet for the department, or for one rep (`c.rep`).
    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        let sheet = try book.addSheet(t("sheet.summary"))
        sheet.write(0, 0, c.rep == nil ? "\(t("title.summary")) \(c.asOfText)" : "\(c.repName) · \(c.asOfText)",
                    ReportContext.title)
        let columns = columns(c, perRep: c.rep != nil)
        let bounds = try c.db.query("""
            SELECT period, MIN(period_start), MIN(period_end) FROM rep_period WHERE as_of = ? GROUP BY period
            """, [.text(c.asOfText)])
        for row in bounds {
            guard let period = row[0].string, let col = columns.firstIndex(where: { $0.field == "\(period)_value" }) else { continue }
            let from = row[1].string.map(c.shortDate) ?? "", to = row[2].string.map(c.shortDate) ?? ""
            sheet.write(1, col, period == "day" ? "\(t("period.day")) \(to)" : "\(t("period.\(period)")) \(from)–\(to)",
                        ReportContext.title)
        }
        let table = try c.db.table(query(perRep: c.rep != nil), [.text(c.asOfText), c.rep.map(SQLValue.text) ?? .null, .text(t("no_rep")),
                                           .text(t("total")), .text(c.captions.language.rawValue)])
        let last = try TableWriter.write(sheet, context: c, columns: columns, table: table, headerRow: 2)
        sheet.freeze(rows: 3, cols: c.rep == nil ? 2 : 1)
        sheet.autofilter(firstRow: 2, firstCol: 0, lastRow: max(last, 3), lastCol: columns.count - 1)
    }
}
