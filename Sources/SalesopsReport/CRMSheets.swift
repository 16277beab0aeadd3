import SalesopsSQLite
import SalesopsXLSX

/// The process-quality sheets (SPEC "Reports"): Funnel with a chart, Lead SLA, Stage violations,
/// Stuck deals, Overdue tasks. Written when the warehouse holds CRM data.
enum CRMSheets {
    static func hasData(_ c: ReportContext) throws -> Bool {
        try c.db.scalar("SELECT EXISTS (SELECT 1 FROM leads) OR EXISTS (SELECT 1 FROM deals) OR EXISTS (SELECT 1 FROM tasks)")?.int == 1
    }

    /// The funnel of deals created in the as-of month, per pipeline: the department's reached counts and
    /// conversions, then each rep's reached counts; a bar chart of the department's funnel.
    static func funnel(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        let name = t("sheet.funnel")
        let sheet = try book.addSheet(name)
        sheet.write(0, 0, "\(t("title.funnel")) \(c.monthStart)…\(c.asOfText)", ReportContext.title)
        let reps = try c.db.query("""
            SELECT DISTINCT f.rep_id, COALESCE(r.name, f.rep_id) FROM funnel f LEFT JOIN reps r ON r.rep_id = f.rep_id
            WHERE f.period_start = ? AND f.rep_id IS NOT NULL ORDER BY r.team, r.name, f.rep_id
            """, [.text(c.monthStart)])
        var titles: [(String, Double)] = [(t("pipeline"), 12), (t("stage"), 24), (t("reached"), 12), (t("conversion"), 14)]
        for rep in reps { titles.append((rep[1].string ?? "", 14)) }
        c.header(sheet, row: 2, titles)
        var perRep: [String: [String: Int]] = [:]   // "pipeline/stage" → rep → reached
        for r in try c.db.query("SELECT pipeline, stage_id, rep_id, reached FROM funnel WHERE period_start = ? AND rep_id IS NOT NULL",
                                [.text(c.monthStart)]) {
            perRep["\(r[0].string ?? "")/\(r[1].string ?? "")", default: [:]][r[2].string ?? ""] = r[3].int ?? 0
        }
        let rows = try c.db.query("""
            SELECT f.pipeline, f.stage_id, \(Self.stageName("f.stage_id", pipeline: "f.pipeline")),
                   f.reached, f.conversion FROM funnel f
            WHERE f.period_start = ? AND f.rep_id IS NULL ORDER BY f.pipeline, f.stage_order
            """, [.text(c.monthStart)])
        for (i, r) in rows.enumerated() {
            sheet.write(3 + i, 0, r[0].string ?? "")
            sheet.write(3 + i, 1, r[2].string ?? "")
            c.writeValue(sheet, 3 + i, 2, r[3], ReportContext.count)
            c.writeValue(sheet, 3 + i, 3, r[4], ReportContext.percent)
            for (j, rep) in reps.enumerated() {
                sheet.write(3 + i, 4 + j, perRep["\(r[0].string ?? "")/\(r[1].string ?? "")"]?[rep[0].string ?? ""] ?? 0,
                            ReportContext.count)
            }
        }
        sheet.freeze(rows: 3, cols: 2)
        let last = 3 + max(rows.count, 1) - 1
        sheet.autofilter(firstRow: 2, firstCol: 0, lastRow: last, lastCol: 3 + reps.count)
        guard !rows.isEmpty else { return }
        if let chart = book.addChart(.bar, title: t("title.funnel"), series: [(
            name: t("reached"), categories: ReportContext.ref(name, "$B$4:$B$\(last + 1)"),
            values: ReportContext.ref(name, "$C$4:$C$\(last + 1)"))], yTitle: t("deals")) {
            sheet.insert(chart, row: last + 2, col: 0, xScale: 1.5, yScale: 1.2)
        }
    }

    static func write(book: XLSXWorkbook, context c: ReportContext, after missed: () throws -> Void) throws {
        let t = c.captions
        let crm = try hasData(c)
        let first = c.windowDays.first ?? c.asOfText
        if crm {
            try funnel(book: book, context: c)
            try ListSheet(name: t("sheet.lead_sla"), title: String(format: t("title.lead_sla"), c.leadSLAMins), columns: [
                .init(caption: t("created_at"), width: 17, kind: .epoch), .init(caption: t("lead_id"), width: 10, kind: .text),
                .init(caption: t("lead"), width: 28, kind: .text), .init(caption: t("rep_id"), width: 8, kind: .text),
                .init(caption: t("rep"), width: 22, kind: .text), .init(caption: t("lead_source"), width: 12, kind: .text),
                .init(caption: t("status"), width: 14, kind: .text),
                .init(caption: t("first_contact_at"), width: 17, kind: .epoch),
                .init(caption: t("channel"), width: 12, kind: .caption(prefix: "channel.")),
                .init(caption: t("response_mins"), width: 12, kind: .count),
                .init(caption: t("sla_breached"), width: 12, kind: ListSheet.redWhenYes),
                .init(caption: t("junk_without_reason"), width: 14, kind: ListSheet.redWhenYes),
            ]).write(book: book, context: c, sql: """
                SELECT l.created_epoch, l.lead_id, l.title, l.rep_id, r.name, \(Self.statusName("l.source", list: "'SOURCE'")),
                       \(Self.statusName("l.status_id", list: "'STATUS'")), l.first_contact_epoch,
                       l.first_contact_channel, l.response_mins, l.sla_breached, l.junk_without_reason
                FROM leads l LEFT JOIN reps r ON r.rep_id = l.rep_id
                WHERE l.local_date BETWEEN ? AND ? ORDER BY l.created_epoch, l.lead_id
                """, [.text(first), .text(c.asOfText)])
        }
        try missed()
        guard crm else { return }
        try ListSheet(name: t("sheet.violations"), title: t("title.violations"), columns: [
            .init(caption: t("entered_at"), width: 17, kind: .epoch), .init(caption: t("deal_id"), width: 10, kind: .text),
            .init(caption: t("deal"), width: 28, kind: .text), .init(caption: t("rep_id"), width: 8, kind: .text),
            .init(caption: t("rep"), width: 22, kind: .text), .init(caption: t("pipeline"), width: 10, kind: .text),
            .init(caption: t("entered_stage"), width: 20, kind: .text), .init(caption: t("skipped_stages"), width: 30, kind: .text),
        ]).write(book: book, context: c, sql: """
            SELECT CAST(strftime('%s', v.entered_at) AS INTEGER), v.deal_id, d.title, v.rep_id, r.name, v.pipeline,
                   \(Self.stageName("v.entered_stage", pipeline: "v.pipeline")), v.skipped_stages
            FROM stage_violations v LEFT JOIN deals d ON d.deal_id = v.deal_id LEFT JOIN reps r ON r.rep_id = v.rep_id
            ORDER BY v.entered_at DESC, v.deal_id LIMIT 1000
            """)
        try ListSheet(name: t("sheet.stuck"), title: "\(t("title.stuck")) \(c.asOfText)", columns: [
            .init(caption: t("deal_id"), width: 10, kind: .text), .init(caption: t("deal"), width: 28, kind: .text),
            .init(caption: t("rep_id"), width: 8, kind: .text), .init(caption: t("rep"), width: 22, kind: .text),
            .init(caption: t("stage"), width: 20, kind: .text), .init(caption: t("days_at_stage"), width: 12, kind: .count),
            .init(caption: t("max_days"), width: 12, kind: .count), .init(caption: t("amount"), width: 14, kind: .money),
        ]).write(book: book, context: c, sql: """
            SELECT s.deal_id, d.title, s.rep_id, r.name, \(Self.stageName("s.stage_id", pipeline: "d.pipeline")),
                   s.days_at_stage, s.max_days, d.amount
            FROM stuck_deals s LEFT JOIN deals d ON d.deal_id = s.deal_id LEFT JOIN reps r ON r.rep_id = s.rep_id
            WHERE s.as_of = ? ORDER BY s.days_at_stage - s.max_days DESC, s.deal_id
            """, [.text(c.asOfText)])
        try ListSheet(name: t("sheet.overdue"), title: "\(t("title.overdue")) \(c.asOfText)", columns: [
            .init(caption: t("task_id"), width: 10, kind: .text), .init(caption: t("task"), width: 30, kind: .text),
            .init(caption: t("rep_id"), width: 8, kind: .text), .init(caption: t("rep"), width: 22, kind: .text),
            .init(caption: t("deadline_at"), width: 17, kind: .epoch), .init(caption: t("closed_at"), width: 17, kind: .epoch),
            .init(caption: t("overdue_days"), width: 12, kind: .count),
        ]).write(book: book, context: c, sql: """
            SELECT o.task_id, o.title, o.rep_id, r.name, t.deadline_epoch, t.closed_epoch, o.overdue_days
            FROM overdue_tasks o JOIN tasks t ON t.task_id = o.task_id LEFT JOIN reps r ON r.rep_id = o.rep_id
            WHERE o.as_of = ? ORDER BY o.overdue_days DESC, o.task_id
            """, [.text(c.asOfText)])
    }

    /// SQL for the name of a deal stage (names, not codes): the funnel's configured name, else the CRM's
    /// own (`crm.status.list`), else the code.
    static func stageName(_ stage: String, pipeline: String) -> String {
        """
        COALESCE((SELECT fs.name FROM funnel_stages fs WHERE fs.pipeline = \(pipeline) AND fs.stage_id = \(stage)),
                 (SELECT st.name FROM crm_statuses st WHERE st.status_id = \(stage)
                    AND (st.entity_id = 'DEAL_STAGE_' || \(pipeline) OR (\(pipeline) = '0' AND st.entity_id = 'DEAL_STAGE'))),
                 \(stage))
        """
    }

    /// SQL for the name the CRM gives an id of one of its lists (`STATUS`, `SOURCE`, `DEAL_STAGE_…`), else the id.
    static func statusName(_ id: String, list: String) -> String {
        "COALESCE((SELECT st.name FROM crm_statuses st WHERE st.entity_id = \(list) AND st.status_id = \(id)), \(id))"
    }
}
