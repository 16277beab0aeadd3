import SalesopsSQLite
import SalesopsXLSX

/// Mail with clients (inbound and outbound, not internal) in the Activity window; proposals highlighted.
enum EmailsSheet {
    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        let sheet = try book.addSheet(t("sheet.emails"))
        sheet.write(0, 0, t("title.emails"), ReportContext.title)
        c.header(sheet, row: 2, [
            (t("sent_at"), 17), (t("rep_id"), 8), (t("rep"), 24), (t("direction"), 12), (t("client_email"), 28),
            (t("subject"), 44), (t("attachments"), 10), (t("attachment_names"), 36), (t("is_proposal"), 8),
            (t("file"), 36), (t("offset"), 12),
        ])
        let first = c.windowDays.first ?? c.asOfText
        let rows = try c.db.query("""
            SELECT e.sent_epoch, e.rep_id, r.name, e.direction, e.client_email, e.subject, e.attachments,
                   (SELECT group_concat(filename, '; ') FROM (SELECT filename FROM email_attachments a
                     WHERE a.message_id = e.message_id ORDER BY position)),
                   e.is_proposal, e.src_file, e.src_offset
            FROM emails e LEFT JOIN reps r ON r.rep_id = e.rep_id
            WHERE e.local_date BETWEEN ? AND ? AND e.direction != 'internal'
            ORDER BY e.sent_epoch, e.message_id
            """, [.text(first), .text(c.asOfText)])
        var row = 3
        for r in rows {
            c.writeLocalTime(sheet, row, 0, epoch: Int64(r[0].int ?? 0))
            c.writeValue(sheet, row, 1, r[1])
            sheet.write(row, 2, r[2].string ?? t("no_rep"))
            sheet.write(row, 3, t("dir." + (r[3].string ?? "")))
            c.writeValue(sheet, row, 4, r[4])
            c.writeValue(sheet, row, 5, r[5])
            c.writeValue(sheet, row, 6, r[6])
            c.writeValue(sheet, row, 7, r[7])
            let proposal = r[8].int == 1
            sheet.write(row, 8, proposal ? t("yes") : t("no"), proposal ? ReportContext.green : nil)
            c.writeValue(sheet, row, 9, r[9])
            c.writeValue(sheet, row, 10, r[10])
            row += 1
        }
        sheet.freeze(rows: 3)
        sheet.autofilter(firstRow: 2, firstCol: 0, lastRow: max(row - 1, 3), lastCol: 10)
    }
}
