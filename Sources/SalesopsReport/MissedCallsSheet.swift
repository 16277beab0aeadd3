import SalesopsSQLite
import SalesopsXLSX

/// Missed calls of the Activity window with their callbacks; rows without a callback in the window are red.
enum MissedCallsSheet {
    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        let sheet = try book.addSheet(t("sheet.missed"))
        sheet.write(0, 0, t("title.missed"), ReportContext.title)
        c.header(sheet, row: 2, [
            (t("missed_at"), 17), (t("rep_id"), 8), (t("rep"), 24), (t("client_phone"), 16), (t("raw_number"), 16),
            (t("callback_at"), 17), (t("callback_mins"), 12), (String(format: t("within_window"), c.callbackWindowMins), 12),
            (t("file"), 36), (t("line"), 8),
        ])
        let first = c.windowDays.first ?? c.asOfText
        let rows = try c.db.query("""
            SELECT c.start_epoch, m.rep_id, r.name, m.client_phone, m.raw_number, cb.start_epoch, m.callback_mins,
                   m.within_window, m.src_file, m.src_line
            FROM missed_calls m JOIN calls c ON c.call_id = m.call_id
            LEFT JOIN calls cb ON cb.call_id = m.callback_call_id
            LEFT JOIN reps r ON r.rep_id = m.rep_id
            WHERE m.local_date BETWEEN ? AND ?
            ORDER BY c.start_epoch, m.call_id
            """, [.text(first), .text(c.asOfText)])
        var row = 3
        for r in rows {
            c.writeLocalTime(sheet, row, 0, epoch: Int64(r[0].int ?? 0))
            c.writeValue(sheet, row, 1, r[1])
            sheet.write(row, 2, r[2].string ?? t("no_rep"))
            c.writeValue(sheet, row, 3, r[3])
            c.writeValue(sheet, row, 4, r[4])
            if let cb = r[5].int { c.writeLocalTime(sheet, row, 5, epoch: Int64(cb)) } else { sheet.writeBlank(row, 5) }
            c.writeValue(sheet, row, 6, r[6])
            let within = r[7].int == 1
            sheet.write(row, 7, within ? t("yes") : t("no"), within ? ReportContext.green : ReportContext.red)
            c.writeValue(sheet, row, 8, r[8])
            c.writeValue(sheet, row, 9, r[9])
            row += 1
        }
        sheet.freeze(rows: 3)
        sheet.autofilter(firstRow: 2, firstCol: 0, lastRow: max(row - 1, 3), lastCol: 9)
    }
}
