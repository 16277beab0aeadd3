import SalesopsSQLite
import SalesopsXLSX

/// Mail with clients (inbound and outbound, not internal) in the Activity window; proposals highlighted.
enum EmailsSheet {
    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        try ListSheet(name: t("sheet.emails"), title: t("title.emails"), columns: [
            .init(caption: t("sent_at"), width: 17, kind: .epoch), .init(caption: t("rep_id"), width: 8, kind: .text),
            .init(caption: t("rep"), width: 24, kind: .text),
            .init(caption: t("direction"), width: 12, kind: .caption(prefix: "dir.")),
            .init(caption: t("client_email"), width: 28, kind: .text), .init(caption: t("subject"), width: 44, kind: .text),
            .init(caption: t("attachments"), width: 10, kind: .count),
            .init(caption: t("attachment_names"), width: 36, kind: .text),
            .init(caption: t("is_proposal"), width: 8, kind: .flag(yes: ReportContext.green, no: nil)),
            .init(caption: t("file"), width: 36, kind: .text), .init(caption: t("offset"), width: 12, kind: .count),
        ]).write(book: book, context: c, sql: """
            SELECT e.sent_epoch, e.rep_id, COALESCE(r.name, ?3), e.direction, e.client_email, e.subject, e.attachments,
                   (SELECT group_concat(filename, '; ') FROM (SELECT filename FROM email_attachments a
                     WHERE a.message_id = e.message_id ORDER BY position)),
                   e.is_proposal, e.src_file, e.src_offset
            FROM emails e LEFT JOIN reps r ON r.rep_id = e.rep_id
            WHERE e.local_date BETWEEN ?1 AND ?2 AND e.direction != 'internal'
            ORDER BY e.sent_epoch, e.message_id
            """, [.text(c.windowDays.first ?? c.asOfText), .text(c.asOfText), .text(t("no_rep"))])
    }
}
