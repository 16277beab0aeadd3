import SalesopsCore
import SalesopsSQLite
import SalesopsXLSX

/// The Funnel sheet (SPEC "Reports") and the SQL that names CRM codes (pipelines, stages, statuses).
enum CRMSheets {
    static func hasData(_ c: ReportContext) throws -> Bool {
        try c.db.scalar("SELECT EXISTS (SELECT 1 FROM leads) OR EXISTS (SELECT 1 FROM deals) OR EXISTS (SELECT 1 FROM tasks)")?.int == 1
    }

    /// The funnel of deals created in the as-of month, per pipeline: the department's reached counts and
    /// conversions, each rep's conversions; under the table a bar chart per pipeline, first stage on top.
    static func funnel(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        let name = t("sheet.funnel")
        let sheet = try book.addSheet(name)
        sheet.write(0, 0, "\(t("title.funnel")) \(c.monthStart)…\(c.asOfText)", ReportContext.title)
        sheet.write(1, 0, t("note.funnel"))
        let reps = try c.db.query("""
            SELECT f.rep_id, COALESCE(r.name, f.rep_id) FROM funnel f LEFT JOIN reps r ON r.rep_id = f.rep_id
            WHERE f.period_start = ? AND f.rep_id IS NOT NULL GROUP BY f.rep_id, r.name, r.team ORDER BY r.team, r.name, f.rep_id
            """, [.text(c.monthStart)])
        var titles: [(String, Double)] = [(t("pipeline"), 14), (t("stage"), 24), (t("reached"), 10), (t("conversion"), 14)]
        for rep in reps { titles.append((rep[1].string ?? "", 12)) }
        c.header(sheet, row: 2, titles)
        var perRep: [String: [String: SQLValue]] = [:]   // "pipeline/stage" → rep → conversion
        for r in try c.db.query("SELECT pipeline, stage_id, rep_id, conversion FROM funnel WHERE period_start = ? AND rep_id IS NOT NULL",
                                [.text(c.monthStart)]) {
            perRep["\(r[0].string ?? "")/\(r[1].string ?? "")", default: [:]][r[2].string ?? ""] = r[3]
        }
        let rows = try c.db.query("""
            SELECT f.pipeline, f.stage_id, \(WarehouseSQL.stageName("f.stage_id", pipeline: "f.pipeline")),
                   f.reached, f.conversion, \(Self.pipelineName("f.pipeline")) FROM funnel f
            WHERE f.period_start = ? AND f.rep_id IS NULL ORDER BY f.pipeline, f.stage_order
            """, [.text(c.monthStart)])
        var pipelines: [(name: String, first: Int, last: Int)] = []
        for (i, r) in rows.enumerated() {
            let row = 3 + i
            let pipeline = r[5].string ?? ""
            if pipelines.last?.name == pipeline { pipelines[pipelines.count - 1].last = row } else {
                pipelines.append((pipeline, row, row))
            }
            sheet.write(row, 0, pipeline)
            sheet.write(row, 1, r[2].string ?? "")
            c.writeValue(sheet, row, 2, r[3], ReportContext.count)
            c.writeValue(sheet, row, 3, r[4], ReportContext.percent)
            for (j, rep) in reps.enumerated() {
                c.writeValue(sheet, row, 4 + j, perRep["\(r[0].string ?? "")/\(r[1].string ?? "")"]?[rep[0].string ?? ""] ?? .null,
                             ReportContext.percent)
            }
        }
        sheet.freeze(rows: 3, cols: 2)
        let last = 3 + max(rows.count, 1) - 1
        sheet.autofilter(firstRow: 2, firstCol: 0, lastRow: last, lastCol: 3 + reps.count)
        // One chart per pipeline, stacked under the table (16 rows each).
        for (k, p) in pipelines.enumerated() {
            guard let chart = book.addChart(.bar, title: "\(t("title.funnel_chart")) \(p.name)", series: [(
                name: t("reached"), categories: ReportContext.ref(name, "$B$\(p.first + 1):$B$\(p.last + 1)"),
                values: ReportContext.ref(name, "$C$\(p.first + 1):$C$\(p.last + 1)"))], yTitle: t("deals"),
                reverseCategories: true) else { continue }
            sheet.insert(chart, row: last + 2 + 16 * k, col: 0, xScale: 1.5, yScale: 1.0)
        }
    }

    /// SQL for the name of a pipeline: the funnel's configured name, else the id.
    static func pipelineName(_ pipeline: String) -> String {
        "COALESCE((SELECT p.name FROM pipelines p WHERE p.pipeline = \(pipeline)), \(pipeline))"
    }

    /// SQL for the name the CRM gives an id of one of its lists (`STATUS`, `SOURCE`, `DEAL_STAGE_…`), else the id.
    static func statusName(_ id: String, list: String) -> String {
        "COALESCE((SELECT st.name FROM crm_statuses st WHERE st.entity_id = \(list) AND st.status_id = \(id)), \(id))"
    }
}
