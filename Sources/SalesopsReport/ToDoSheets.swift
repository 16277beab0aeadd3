import SalesopsCore
import SalesopsSQLite
import SalesopsXLSX

/// The to-do lists (SPEC "Reports"): the items behind the alerts, one sheet per kind, for the
/// department or one rep (`c.rep`). They read `alert_items`, so a list and its alert never disagree;
/// the full logs stay in the warehouse (`missed_calls`, `leads`, `tasks`…).
///
/// Every query takes the same arguments: ?1 as-of date, ?2 rep id or NULL, ?3 the "no rep" caption,
/// ?4 the end of the as-of day (epoch), ?5 the start of the as-of month (UTC text), ?6 the end of the
/// as-of day (UTC text).
enum ToDoSheets {
    static func arguments(_ c: ReportContext) -> [SQLValue] {
        [.text(c.asOfText), c.rep.map(SQLValue.text) ?? .null, .text(c.captions("no_rep")), .integer(c.asOfEnd),
         .text(CivilTime.utcString(epoch: c.monthStartEpoch)), .text(CivilTime.utcString(epoch: c.asOfEnd))]
    }

    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        let args = arguments(c)
        let repColumns: [ColumnSpec] = c.rep == nil ? [.init("rep", t("rep"), 22, .text)] : []
        try ListSheet(name: t("sheet.missed"), title: "\(t("title.missed_todo")) \(c.asOfText)",
                      note: String(format: t("note.missed_todo"), c.callbackWindowMins), columns: [
            .init("missed_epoch", t("missed_at"), 17, .epoch)] + repColumns + [
            .init("client_phone", t("client_phone"), 16, .text), .init("raw_number", t("raw_number"), 16, .text),
            .init("callback_epoch", t("callback_at"), 17, .epoch), .init("callback_mins", t("callback_mins"), 12, .count),
            .init("severity", t("severity"), 11, .caption(prefix: "severity."), colour: .severity),
            .init("call_id", t("call_id"), 26, .text),
        ]).write(book: book, context: c, sql: """
            SELECT c.start_epoch AS missed_epoch, COALESCE(r.name, ?3) AS rep, m.client_phone, m.raw_number,
                   CASE WHEN cb.start_epoch <= ?4 THEN cb.start_epoch END AS callback_epoch,
                   CASE WHEN cb.start_epoch <= ?4 THEN m.callback_mins END AS callback_mins, i.severity, m.call_id
            FROM alert_items i
            JOIN missed_calls m ON m.call_id = i.item_id
            JOIN calls c ON c.call_id = m.call_id
            LEFT JOIN calls cb ON cb.call_id = m.callback_call_id
            LEFT JOIN reps r ON r.rep_id = m.rep_id
            WHERE i.kind = 'missed_no_callback' AND (CAST(?2 AS TEXT) IS NULL OR i.rep_id = ?2)
            ORDER BY i.severity = 'high' DESC, c.start_epoch, m.call_id
            """, args)
        guard try CRMSheets.hasData(c) else { return }
        try ListSheet(name: t("sheet.leads_todo"), title: "\(String(format: t("title.leads_todo"), c.leadSLAMins)) \(c.asOfText)",
                      columns: [
            .init("created_epoch", t("created_at"), 17, .epoch), .init("lead_id", t("lead_id"), 10, .text),
            .init("title", t("lead"), 28, .text)] + repColumns + [
            .init("contact", t("contact"), 22, .text), .init("source", t("lead_source"), 14, .text),
            .init("status", t("status"), 14, .text), .init("first_contact_epoch", t("first_contact_at"), 17, .epoch),
            .init("minutes_without_contact", t("minutes_without_contact"), 14, .count),
            .init("days_without_contact", t("days_without_contact"), 12, .decimal),
            .init("severity", t("severity"), 11, .caption(prefix: "severity."), colour: .severity),
        ]).write(book: book, context: c, sql: """
            SELECT l.created_epoch, l.lead_id, l.title, COALESCE(r.name, ?3) AS rep,
                   (SELECT MIN(value) FROM lead_contacts lc WHERE lc.lead_id = l.lead_id) AS contact,
                   \(CRMSheets.statusName("l.source", list: "'SOURCE'")) AS source,
                   \(CRMSheets.statusName("l.status_id", list: "'STATUS'")) AS status,
                   CASE WHEN l.first_contact_epoch <= ?4 THEN l.first_contact_epoch END AS first_contact_epoch,
                   i.waited_secs / 60 AS minutes_without_contact, ROUND(i.waited_secs / 86400.0, 1) AS days_without_contact,
                   i.severity
            FROM alert_items i JOIN leads l ON l.lead_id = i.item_id LEFT JOIN reps r ON r.rep_id = l.rep_id
            WHERE i.kind = 'lead_sla' AND (CAST(?2 AS TEXT) IS NULL OR i.rep_id = ?2)
            ORDER BY i.severity = 'high' DESC, l.created_epoch, l.lead_id
            """, args)
        try ListSheet(name: t("sheet.overdue"), title: "\(t("title.overdue")) \(c.asOfText)", columns: [
            .init("task_id", t("task_id"), 10, .text), .init("title", t("task"), 32, .text)] + repColumns + [
            .init("deadline_epoch", t("deadline_at"), 17, .epoch), .init("overdue_days", t("overdue_days"), 12, .count),
            .init("severity", t("severity"), 11, .caption(prefix: "severity."), colour: .severity),
        ]).write(book: book, context: c, sql: """
            SELECT o.task_id, o.title, COALESCE(r.name, ?3) AS rep, k.deadline_epoch, o.overdue_days, i.severity
            FROM alert_items i
            JOIN overdue_tasks o ON o.as_of = ?1 AND o.task_id = i.item_id
            JOIN tasks k ON k.task_id = o.task_id
            LEFT JOIN reps r ON r.rep_id = o.rep_id
            WHERE i.kind = 'overdue_task' AND i.severity != 'low' AND (CAST(?2 AS TEXT) IS NULL OR i.rep_id = ?2)
            ORDER BY o.overdue_days DESC, o.task_id
            """, args)
        try ListSheet(name: t("sheet.stuck"), title: "\(t("title.stuck")) \(c.asOfText)", columns: [
            .init("deal_id", t("deal_id"), 10, .text), .init("title", t("deal"), 28, .text)] + repColumns + [
            .init("pipeline", t("pipeline"), 16, .text), .init("stage", t("stage"), 22, .text),
            .init("days_at_stage", t("days_at_stage"), 12, .count), .init("max_days", t("max_days"), 12, .count),
            .init("amount", t("amount"), 14, .money), .init("currency", t("currency"), 8, .text),
        ]).write(book: book, context: c, sql: """
            SELECT s.deal_id, d.title, COALESCE(r.name, ?3) AS rep, \(CRMSheets.pipelineName("d.pipeline")) AS pipeline,
                   \(WarehouseSQL.stageName("s.stage_id", pipeline: "d.pipeline")) AS stage, s.days_at_stage, s.max_days,
                   d.amount, d.currency
            FROM stuck_deals s LEFT JOIN deals d ON d.deal_id = s.deal_id LEFT JOIN reps r ON r.rep_id = s.rep_id
            WHERE s.as_of = ?1 AND (CAST(?2 AS TEXT) IS NULL OR s.rep_id = ?2)
            ORDER BY s.days_at_stage - s.max_days DESC, s.deal_id
            """, args)
        try ListSheet(name: t("sheet.untouched"), title: "\(String(format: t("title.untouched"), c.dealTouchDays)) \(c.asOfText)",
                      columns: [
            .init("deal_id", t("deal_id"), 10, .text), .init("title", t("deal"), 28, .text)] + repColumns + [
            .init("stage", t("stage"), 22, .text), .init("last_contact_epoch", t("last_contact_at"), 17, .epoch),
            .init("days_without_contact", t("days_without_contact_deal"), 12, .count),
            .init("planned", t("planned"), 12, .flag(yes: nil, no: ReportContext.red)),
            .init("amount", t("amount"), 14, .money), .init("severity", t("severity"), 11, .caption(prefix: "severity."),
                                                             colour: .severity),
        ]).write(book: book, context: c, sql: """
            SELECT u.deal_id, d.title, COALESCE(r.name, ?3) AS rep,
                   \(WarehouseSQL.stageName("u.stage_id", pipeline: "d.pipeline")) AS stage,
                   \(c.dialect.epoch("u.last_contact_at")) AS last_contact_epoch, u.days_without_contact,
                   u.planned, d.amount, i.severity
            FROM alert_items i
            JOIN untouched_deals u ON u.as_of = ?1 AND u.deal_id = i.item_id
            LEFT JOIN deals d ON d.deal_id = u.deal_id LEFT JOIN reps r ON r.rep_id = u.rep_id
            WHERE i.kind = 'untouched_deal' AND (CAST(?2 AS TEXT) IS NULL OR i.rep_id = ?2)
            ORDER BY CASE i.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, u.days_without_contact DESC, u.deal_id
            """, args)
        try ListSheet(name: t("sheet.violations"), title: "\(t("title.violations")) \(c.monthStart)…\(c.asOfText)", columns: [
            .init("entered_epoch", t("entered_at"), 17, .epoch), .init("deal_id", t("deal_id"), 10, .text),
            .init("title", t("deal"), 28, .text)] + repColumns + [
            .init("pipeline", t("pipeline"), 16, .text), .init("entered_stage", t("entered_stage"), 20, .text),
            .init("skipped", t("skipped_stages"), 32, .text),
        ]).write(book: book, context: c, sql: """
            SELECT \(c.dialect.epoch("v.entered_at")) AS entered_epoch, v.deal_id, d.title,
                   COALESCE(r.name, ?3) AS rep, \(CRMSheets.pipelineName("v.pipeline")) AS pipeline,
                   \(WarehouseSQL.stageName("v.entered_stage", pipeline: "v.pipeline")) AS entered_stage,
                   \(WarehouseSQL.stageNames("v.skipped_stages", pipeline: "v.pipeline", c.dialect)) AS skipped
            FROM stage_violations v LEFT JOIN deals d ON d.deal_id = v.deal_id LEFT JOIN reps r ON r.rep_id = v.rep_id
            WHERE v.entered_at >= ?5 AND v.entered_at <= ?6 AND (CAST(?2 AS TEXT) IS NULL OR v.rep_id = ?2)
            ORDER BY v.entered_at DESC, v.deal_id
            """, args)
    }
}
