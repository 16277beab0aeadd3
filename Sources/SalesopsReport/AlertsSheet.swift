import SalesopsSQLite
import SalesopsXLSX

/// Alerts: what to act on today, grouped by rep (department-wide ones first), most severe first; under
/// each alert its evidence rows (`alert_evidence`): the leads, calls, deals and tasks behind it.
enum AlertsSheet {
    static func query(_ d: SQLDialect) -> String {
        """
        SELECT a.alert_id, a.severity, a.kind, COALESCE(r.name, ?3) AS rep, a.message,
               CASE WHEN a.kind IN ('below_norm', 'decline', 'no_data')
                    THEN (SELECT \(d.groupConcat("j.value", "', '", order: "j.key")) FROM \(d.jsonEach("a.evidence", as: "j"))) END AS dates
        FROM alerts a LEFT JOIN reps r ON r.rep_id = a.rep_id
        WHERE a.as_of = ?1 AND (CAST(?2 AS TEXT) IS NULL OR a.rep_id = ?2)
        ORDER BY a.rep_id IS NOT NULL, r.team, r.name, a.rep_id,
                 CASE a.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, a.kind, a.alert_id
        """
    }

    static let evidenceQuery = """
        SELECT alert_id, item_id, item, at_epoch, detail FROM alert_evidence
        WHERE as_of = ?1 AND (CAST(?2 AS TEXT) IS NULL OR rep_id = ?2)
        ORDER BY alert_id, position
        """

    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        let sheet = try book.addSheet(t("sheet.alerts"))
        sheet.write(0, 0, c.rep == nil ? "\(t("title.alerts")) \(c.asOfText)" : "\(c.repName): \(t("title.alerts")) \(c.asOfText)",
                    ReportContext.title)
        let args: [SQLValue] = [.text(c.asOfText), c.rep.map(SQLValue.text) ?? .null, .text(t("department"))]
        let alerts = try c.db.table(query(c.dialect), args)
        var evidence: [String: [[SQLValue]]] = [:]
        for row in try c.db.query(evidenceQuery, Array(args.prefix(2))) {
            evidence[row[0].string ?? "", default: []].append(row)
        }
        sheet.write(1, 0, String(format: t("alerts.count"), alerts.rows.count))
        c.header(sheet, row: 2, [(t("severity"), 11), (t("rep"), 22), (t("alert_kind"), 22), (t("what"), 60),
                                 (t("id"), 14), (t("when"), 17), (t("detail"), 34)])
        let col = { (name: String) in alerts.index(name)! }
        var row = 3
        for a in alerts.rows {
            let severity = a[col("severity")].string ?? ""
            let fill = severity == "high" ? ReportContext.red : severity == "medium" ? ReportContext.yellow : ReportContext.green
            sheet.write(row, 0, t("severity.\(severity)"), fill)
            sheet.write(row, 1, a[col("rep")].string ?? "", ReportContext.title)
            sheet.write(row, 2, t("alert.\(a[col("kind")].string ?? "")"), ReportContext.title)
            sheet.write(row, 3, a[col("message")].string ?? "", ReportContext.wrapped)
            if let dates = a[col("dates")].string { sheet.write(row, 6, dates, ReportContext.wrapped) }
            row += 1
            for item in evidence[a[col("alert_id")].string ?? ""] ?? [] {
                sheet.write(row, 1, a[col("rep")].string ?? "", ReportContext.muted)
                sheet.write(row, 3, item[2].string ?? "")
                sheet.write(row, 4, item[1].string ?? "")
                if let epoch = item[3].int { c.writeLocalTime(sheet, row, 5, epoch: Int64(epoch)) }
                sheet.write(row, 6, item[4].string ?? "")
                row += 1
            }
        }
        if alerts.rows.isEmpty { sheet.write(3, 0, t("alerts.none")) }
        sheet.freeze(rows: 3)
        sheet.autofilter(firstRow: 2, firstCol: 0, lastRow: max(row - 1, 3), lastCol: 6)
    }
}
