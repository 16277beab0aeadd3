import SalesopsSQLite
import SalesopsXLSX

/// Definitions: as-of, run, time zone, thresholds, norms and the metric definitions.
enum DefinitionsSheet {
    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        let sheet = try book.addSheet(t("sheet.definitions"))
        c.header(sheet, row: 0, [(t("key"), 36), (t("value"), 60), ("", 12)])
        var row = 1
        sheet.write(row, 0, t("as_of")); c.writeDate(sheet, row, 1, c.asOfText); row += 1
        sheet.write(row, 0, t("run_id"))
        if let run = c.runID { sheet.write(row, 1, String(run)) }
        row += 1
        let settings = try c.db.query("SELECT key, value FROM settings ORDER BY key")
        for s in settings where s[0].string != "max_extension_digits" && s[0].string != "report_language" {
            let key = s[0].string ?? ""
            sheet.write(row, 0, t(key))
            if let n = Int(s[1].string ?? "") { sheet.write(row, 1, n, ReportContext.count) } else { sheet.write(row, 1, s[1].string ?? "") }
            row += 1
        }
        row += 1
        sheet.write(row, 0, t("norms"), ReportContext.title); row += 1
        for (i, h) in [t("metric"), t("norm_scope"), t("team"), t("norm"), t("per")].enumerated() {
            sheet.write(row, i, h, ReportContext.header)
        }
        row += 1
        for n in try c.db.query("""
            SELECT n.metric, n.scope, CASE n.scope WHEN 'rep' THEN COALESCE(r.name, n.scope_id) ELSE n.scope_id END, n.value, n.per
            FROM norm_rules n JOIN metrics m ON m.metric = n.metric
            LEFT JOIN reps r ON n.scope = 'rep' AND r.rep_id = n.scope_id
            ORDER BY m.position, CASE n.scope WHEN 'department' THEN 0 WHEN 'team' THEN 1 ELSE 2 END, n.scope_id
            """) {
            sheet.write(row, 0, t("metric.\(n[0].string ?? "")"))
            sheet.write(row, 1, t("norm_scope.\(n[1].string ?? "")"))
            sheet.write(row, 2, n[2].string ?? "")
            c.writeValue(sheet, row, 3, n[3], ReportContext.decimal)
            sheet.write(row, 4, t("per.\(n[4].string ?? "")"))
            row += 1
        }
        let absences = try c.db.query("""
            SELECT r.name, a.from_date, a.to_date, a.kind FROM absences a LEFT JOIN reps r ON r.rep_id = a.rep_id
            WHERE a.from_date <= ?1 ORDER BY a.from_date, r.name
            """, [.text(c.asOfText)])
        if !absences.isEmpty {
            row += 1
            sheet.write(row, 0, t("absences"), ReportContext.title); row += 1
            for (i, h) in [t("rep"), t("absence_from"), t("absence_to"), t("absence_kind")].enumerated() {
                sheet.write(row, i, h, ReportContext.header)
            }
            row += 1
            for a in absences {
                sheet.write(row, 0, a[0].string ?? "")
                c.writeDate(sheet, row, 1, a[1].string ?? "")
                c.writeDate(sheet, row, 2, a[2].string ?? "")
                sheet.write(row, 3, a[3].string ?? "")
                row += 1
            }
        }
        row += 1
        sheet.write(row, 0, t("metrics"), ReportContext.title); row += 1
        for (i, h) in [t("metric"), t("definition")].enumerated() { sheet.write(row, i, h, ReportContext.header) }
        row += 1
        for m in try c.db.query("SELECT metric FROM metrics ORDER BY position") {
            let metric = m[0].string ?? ""
            sheet.write(row, 0, t("metric.\(metric)"))
            sheet.write(row, 1, t("def.metric.\(metric)"), ReportContext.wrapped)
            row += 1
        }
        row += 1
        sheet.write(row, 0, t("definitions"), ReportContext.title); row += 1
        for key in ["def.call", "def.effective", "def.missed", "def.norm", "def.alerts", "def.dates"] {
            sheet.write(row, 0, t(key), CellStyle(wrap: false))
            row += 1
        }
        sheet.freeze(rows: 1)
    }
}
