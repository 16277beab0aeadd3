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
        let scope = perRep ? "p.scope = 'rep' AND p.rep_id = ?2" : "TRUE"
        let shown = perRep ? "rep_id = ?2" : "TRUE"
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
        GROUP BY p.metric, p.scope, p.rep_id, cap.text, m.unit, m.position, r.name, r.team
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
        let conversionEnd = try leadConversion(sheet, context: c, titleRow: max(last, 3) + 2)
        try WorktimeSheet.summaryBlock(sheet, context: c, titleRow: conversionEnd + 2)
    }

    /// The lead conversion block under the table: `lead_conversion` for the week and month to date;
    /// returns the last row written (the row before the title when there is none).
    @discardableResult
    static func leadConversion(_ sheet: XLSXSheet, context c: ReportContext, titleRow: Int) throws -> Int {
        let t = c.captions
        let table = try c.db.table("""
            SELECT CASE l.period WHEN 'wtd' THEN ?3 ELSE ?4 END AS period,
                   CASE l.scope WHEN 'rep' THEN COALESCE(r.name, l.rep_id) ELSE ?5 END AS rep,
                   CASE l.scope WHEN 'department' THEN 'total' END AS row_style,
                   l.created, l.converted, l.junk, l.open, l.conversion_of_closed, l.conversion_of_created,
                   l.response_median_mins, l.response_p90_mins, l.within_sla_share
            FROM lead_conversion l LEFT JOIN reps r ON r.rep_id = l.rep_id
            WHERE l.as_of = ?1 AND \(c.rep == nil ? "TRUE" : "l.scope = 'rep' AND l.rep_id = ?2")
            ORDER BY l.period DESC, l.scope = 'department', r.team, r.name, l.rep_id
            """, [.text(c.asOfText), c.rep.map(SQLValue.text) ?? .null, .text(t("period.wtd")), .text(t("period.mtd")),
                  .text(t("total"))])
        guard !table.rows.isEmpty else { return titleRow - 2 }
        sheet.write(titleRow, 0, t("title.lead_conversion"), ReportContext.title)
        return try TableWriter.write(sheet, context: c, columns: [
            .init("period", t("period"), 22, .text), .init("rep", t("rep"), 22, .text),
            .init("created", t("leads_created"), 10, .count), .init("converted", t("leads_converted"), 10, .count),
            .init("junk", t("leads_junk"), 10, .count), .init("open", t("leads_open"), 10, .count),
            .init("conversion_of_closed", t("conversion_of_closed"), 12, .percent),
            .init("conversion_of_created", t("conversion_of_created"), 12, .percent),
            .init("response_median_mins", t("response_median"), 12, .decimal),
            .init("response_p90_mins", t("response_p90"), 12, .count),
            .init("within_sla_share", String(format: t("within_sla"), c.leadSLAMins), 12, .percent),
        ], table: table, headerRow: titleRow + 1, printHeader: false)
    }
}
