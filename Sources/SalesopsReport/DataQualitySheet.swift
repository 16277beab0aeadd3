import SalesopsSQLite
import SalesopsXLSX

/// Data quality of the runs that loaded data up to the as-of date (every committed run whose as-of is
/// not later): accounting per source summed over them, their notes and filters, unmatched numbers,
/// rejects. A no-op night adds nothing, so it leaves the workbook byte-identical.
enum DataQualitySheet {
    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        let sheet = try book.addSheet(t("sheet.quality"))
        sheet.write(0, 0, "\(t("title.quality")) \(c.asOfText)", ReportContext.title)
        let runs = "(SELECT run_id FROM etl_runs WHERE status IN ('ok', 'no_data', 'report_failed') AND as_of <= ?)"
        let asOf: SQLValue = .text(c.asOfText)
        // A banner for each silent source (a no_data alert) and each stale one (`source_quality`): a silent
        // PBX export must not pass for a team that did nothing.
        var banners: [(String, CellStyle)] = try c.db.query("""
            SELECT message FROM alerts WHERE as_of = ? AND kind = 'no_data' ORDER BY alert_id
            """, [asOf]).map { ($0[0].string ?? "", ReportContext.red) }
        for stale in try c.db.query("""
            SELECT q.source, q.last_data_at, q.business_days_since FROM source_quality q
            WHERE q.stale = 1 AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.as_of = ?1 AND a.alert_id = 'no_data:' || q.source)
            ORDER BY q.source
            """, [asOf]) {
            let message = stale[1].isNull ? String(format: t("quality.silent_month"), stale[0].string ?? "")
                : String(format: t("quality.stale"), stale[0].string ?? "", c.shortDate(String((stale[1].string ?? "").prefix(10))),
                         stale[2].int ?? 0)
            banners.append((message, ReportContext.yellow))
        }
        for (i, banner) in banners.enumerated() { sheet.write(1 + i, 0, banner.0, banner.1) }
        let headerRow = 2 + banners.count
        c.header(sheet, row: headerRow, [
            (t("source"), 28), (t("files_read"), 12), (t("rows_read"), 12),
            (t("rows_loaded"), 12), (t("rows_filtered"), 12), (t("rows_rejected"), 12), (t("last_data_at"), 17),
            (t("business_days_since"), 14),
        ])
        var row = headerRow + 1
        for r in try c.db.query("""
            SELECT source, files_read, rows_read, rows_loaded, rows_filtered, rows_rejected,
                   \(c.dialect.epoch("last_data_at")), business_days_since, stale
            FROM source_quality ORDER BY source
            """) {
            for (col, v) in r.prefix(6).enumerated() { c.writeValue(sheet, row, col, v) }
            if let epoch = r[6].int { c.writeLocalTime(sheet, row, 6, epoch: Int64(epoch)) }
            c.writeValue(sheet, row, 7, r[7], r[8].int == 1 ? ReportContext.yellow : ReportContext.count)
            row += 1
        }
        sheet.freeze(rows: headerRow + 1)
        sheet.autofilter(firstRow: headerRow, firstCol: 0, lastRow: max(row - 1, headerRow + 1), lastCol: 7)
        row = try section(sheet, c, row + 1, t("notes"), [t("source"), t("file"), t("message")], """
            SELECT DISTINCT source, src_file, message FROM etl_notes WHERE run_id IN \(runs) ORDER BY source, src_file, message
            """, [asOf])
        row = try section(sheet, c, row, t("filtered_by_reason"), [t("source"), t("reason"), t("rows")], """
            SELECT source, reason, SUM(rows) FROM etl_filtered WHERE run_id IN \(runs) GROUP BY source, reason
            ORDER BY source, reason
            """, [asOf])
        row = try section(sheet, c, row, t("unmatched"), [t("source"), t("number"), t("legs"), t("first_seen"), t("last_seen")], """
            SELECT source, number, legs, first_seen, last_seen FROM unmatched_numbers ORDER BY legs DESC, source, number
            """, [])
        // An inbound call answered by no rep (another PBX's peer, an extension not in the roster) is
        // here as "answered": the rep whose phone only rang was not credited with it.
        row = try section(sheet, c, row, t("calls_without_rep"), [t("source"), t("direction"), t("outcome"), t("calls")], """
            SELECT source, direction, disposition, COUNT(*) FROM calls WHERE rep_id IS NULL AND direction != 'internal'
            GROUP BY source, direction, disposition ORDER BY source, direction, disposition
            """, [])
        row = try section(sheet, c, row, t("unnormalised"), [t("source"), t("raw_number"), t("calls")], """
            SELECT source, raw_number, COUNT(*) FROM calls WHERE client_phone IS NULL AND raw_number IS NOT NULL
            GROUP BY source, raw_number ORDER BY COUNT(*) DESC, source, raw_number LIMIT 200
            """, [])
        row = try section(sheet, c, row, t("unmatched_addresses"),
                          [t("source"), t("address"), t("messages"), t("first_seen"), t("last_seen")], """
            SELECT source, address, messages, first_seen, last_seen FROM unmatched_addresses
            ORDER BY messages DESC, source, address
            """, [])
        row = try section(sheet, c, row, t("mail_quality"),
                          [t("source"), t("messages"), t("without_message_id"), t("undecodable"), t("headers_cut")], """
            SELECT source, COUNT(*), SUM(1 - has_message_id), SUM(undecodable), SUM(headers_cut) FROM emails
            GROUP BY source ORDER BY source
            """, [])
        row = try section(sheet, c, row, t("crm_users_without_rep"), [t("source"), t("crm_user"), t("name"), t("records")], """
            SELECT x.source_name, x.crm_user_id, u.name, COUNT(*) FROM (
                SELECT source_name, crm_user_id FROM leads WHERE rep_id IS NULL AND crm_user_id IS NOT NULL
                UNION ALL SELECT source_name, crm_user_id FROM deals WHERE rep_id IS NULL AND crm_user_id IS NOT NULL
                UNION ALL SELECT source_name, crm_user_id FROM activities WHERE rep_id IS NULL AND crm_user_id IS NOT NULL
                UNION ALL SELECT source_name, crm_user_id FROM tasks WHERE rep_id IS NULL AND crm_user_id IS NOT NULL) x
            LEFT JOIN crm_users u ON u.user_id = x.crm_user_id
            GROUP BY x.source_name, x.crm_user_id, u.name ORDER BY COUNT(*) DESC, x.source_name, x.crm_user_id
            """, [])
        _ = try section(sheet, c, row, t("rejects"), [t("source"), t("file"), t("line"), t("reason"), t("raw")], """
            SELECT source, src_file, src_line, reason, raw FROM rejects WHERE run_id IN \(runs)
            ORDER BY src_file, src_line, reject_id LIMIT 200
            """, [asOf])
    }

    /// Writes a titled table of query results and returns the next free row.
    static func section(_ sheet: XLSXSheet, _ c: ReportContext, _ start: Int, _ title: String, _ headers: [String],
                        _ sql: String, _ args: [SQLValue]) throws -> Int {
        sheet.write(start, 0, title, ReportContext.title)
        for (i, h) in headers.enumerated() { sheet.write(start + 1, i, h, ReportContext.header) }
        var row = start + 2
        for r in try c.db.query(sql, args) {
            for (col, v) in r.enumerated() { c.writeValue(sheet, row, col, v) }
            row += 1
        }
        return row + 1
    }
}
