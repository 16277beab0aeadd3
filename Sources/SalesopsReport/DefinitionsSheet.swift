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
        for s in settings where s[0].string != "max_extension_digits" {
            let key = s[0].string ?? ""
            sheet.write(row, 0, t(key))
            if let n = Int(s[1].string ?? "") { sheet.write(row, 1, n, ReportContext.count) } else { sheet.write(row, 1, s[1].string ?? "") }
            row += 1
        }
        row += 1
        sheet.write(row, 0, t("norms"), ReportContext.title); row += 1
        for (i, h) in [t("rep"), t("metric"), t("per_day")].enumerated() { sheet.write(row, i, h, ReportContext.header) }
        row += 1
        for n in try c.db.query("""
            SELECT r.name, n.metric, n.per_day FROM norms n JOIN reps r USING (rep_id) ORDER BY r.team, r.name, n.metric
            """) {
            sheet.write(row, 0, n[0].string ?? "")
            sheet.write(row, 1, n[1].string ?? "")
            c.writeValue(sheet, row, 2, n[2])
            row += 1
        }
        row += 1
        sheet.write(row, 0, t("definitions"), ReportContext.title); row += 1
        for key in ["def.call", "def.effective", "def.missed", "def.norm", "def.dates"] {
            sheet.write(row, 0, t(key), CellStyle(wrap: false))
            row += 1
        }
        sheet.freeze(rows: 1)
    }
}
