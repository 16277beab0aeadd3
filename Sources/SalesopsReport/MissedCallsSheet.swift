import SalesopsSQLite
import SalesopsXLSX

/// Missed calls of the Activity window with their callbacks; rows without a callback in the window are red.
enum MissedCallsSheet {
    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        try ListSheet(name: t("sheet.missed"), title: t("title.missed"), columns: [
            .init(caption: t("missed_at"), width: 17, kind: .epoch), .init(caption: t("rep_id"), width: 8, kind: .text),
            .init(caption: t("rep"), width: 24, kind: .text), .init(caption: t("client_phone"), width: 16, kind: .text),
            .init(caption: t("raw_number"), width: 16, kind: .text), .init(caption: t("callback_at"), width: 17, kind: .epoch),
            .init(caption: t("callback_mins"), width: 12, kind: .count),
            .init(caption: String(format: t("within_window"), c.callbackWindowMins), width: 12,
                  kind: .flag(yes: ReportContext.green, no: ReportContext.red)),
            .init(caption: t("file"), width: 36, kind: .text), .init(caption: t("line"), width: 8, kind: .count),
        ]).write(book: book, context: c, sql: """
            SELECT c.start_epoch, m.rep_id, COALESCE(r.name, ?3), m.client_phone, m.raw_number, cb.start_epoch,
                   m.callback_mins, m.within_window, m.src_file, m.src_line
            FROM missed_calls m JOIN calls c ON c.call_id = m.call_id
            LEFT JOIN calls cb ON cb.call_id = m.callback_call_id
            LEFT JOIN reps r ON r.rep_id = m.rep_id
            WHERE m.local_date BETWEEN ?1 AND ?2
            ORDER BY c.start_epoch, m.call_id
            """, [.text(c.windowDays.first ?? c.asOfText), .text(c.asOfText), .text(t("no_rep"))])
    }
}
