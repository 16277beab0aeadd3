import XCTest

/// Mail through the whole run: extraction, resolution, `emails`, `rep_daily`, accounting.
final class MailPipelineTests: XCTestCase {
    func project() throws -> TestProject {
        try TestProject(sources: [
            ("pbx", "asterisk_cdr", ["billsec_30_vs_31.csv"], ""),
            ("mailboxes", "mbox", ["sent_mboxrd.mbox", "takeout_crlf.mbox", "thunderbird_deleted.mbox"], ""),
            ("eml", "eml", ["eml/no_message_id.eml", "eml/forwarded_rfc822.eml"], ""),
        ])
    }

    func testCallsAndMailLoadTogether() throws {
        let project = try project()
        defer { project.remove() }
        let outcome = try project.run()
        let mail = try XCTUnwrap(outcome.stats.first { $0.source == "mailboxes" })
        XCTAssertEqual([mail.rowsRead, mail.rowsLoaded, mail.rowsRejected], [7, 5, 0])
        XCTAssertEqual(mail.filtered, ["chat": 1, "deleted": 1])
        XCTAssertEqual(outcome.emailsWritten, 6)
        XCTAssertEqual(try project.rows("""
            SELECT message_id, local_date, direction, rep_id, client_email, attachments, is_proposal, thread_id, src_file
            FROM emails WHERE has_message_id = 1 ORDER BY sent_epoch
            """), [
            ["kp-001@romashka.ru", "2026-11-10", "outbound", "r01", "petrov@client.ru", "1", "1", "kp-001@romashka.ru",
             "input/mailboxes/sent_mboxrd.mbox"],
            ["reply-003@client.ru", "2026-11-10", "inbound", "r01", "petrov@client.ru", "0", "0", "gm:1654953015393719100",
             "input/mailboxes/takeout_crlf.mbox"],
            ["plain-002@romashka.ru", "2026-11-11", "outbound", "r02", "client@example.com", "0", "0", "plain-002@romashka.ru",
             "input/mailboxes/sent_mboxrd.mbox"],
            ["kept-005@romashka.ru", "2026-11-12", "outbound", "r03", "buyer@shop.ru", "0", "0", "kept-005@romashka.ru",
             "input/mailboxes/thunderbird_deleted.mbox"],
            ["fwd@romashka.ru", "2026-11-16", "outbound", "NULL", "client@example.com", "1", "1", "fwd@romashka.ru",
             "input/eml/forwarded_rfc822.eml"],
        ])
        // The proposal is in Sent and in the Takeout archive: one row, two sightings.
        XCTAssertEqual(try project.rows("SELECT src_file, src_line FROM email_sightings WHERE message_id = 'kp-001@romashka.ru' ORDER BY src_file"),
                       [["input/mailboxes/sent_mboxrd.mbox", "1"], ["input/mailboxes/takeout_crlf.mbox", "1"]])
        XCTAssertEqual(try project.rows("SELECT position, filename FROM email_attachments WHERE message_id = 'kp-001@romashka.ru'"),
                       [["1", "КП_ООО_Ромашка.pdf"]])
        XCTAssertEqual(try project.rows("SELECT local_date, rep_id, is_proposal FROM emails WHERE has_message_id = 0"),
                       [["2026-11-17", "r01", "0"]])
        XCTAssertEqual(try project.rows("SELECT source, address, messages FROM unmatched_addresses ORDER BY address"),
                       [["eml", "r.unknown@romashka.ru", "1"], ["mailboxes", "sales@romashka.ru", "1"]])
        XCTAssertEqual(try project.rows("""
            SELECT rep_id, local_date, emails_out, proposals FROM rep_daily WHERE emails_out > 0 ORDER BY local_date, rep_id
            """), [
            ["r01", "2026-11-10", "1", "1"], ["r02", "2026-11-11", "1", "0"], ["r03", "2026-11-12", "1", "0"],
            ["r01", "2026-11-17", "1", "0"],
        ])
        // Calls are still there beside the mail.
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["2"]])
        XCTAssertEqual(try project.rows("SELECT source, kind, rows_read FROM etl_sources ORDER BY source"),
                       [["eml", "mail", "2"], ["mailboxes", "mail", "7"], ["pbx", "telephony", "2"]])
    }

    func testARewrittenMailboxKeepsEveryMessageItGave() throws {
        let project = try project()
        defer { project.remove() }
        try project.run()
        // Sent is compacted down to its second message: a mail that was sent stays sent.
        let sent = project.dir.appendingPathComponent("input/mailboxes/sent_mboxrd.mbox")
        let text = try String(contentsOf: sent, encoding: .utf8)
        let second = text.range(of: "From b.kuznetsov@romashka.ru")!.lowerBound
        try String(text[second...]).write(to: sent, atomically: true, encoding: .utf8)
        let rewritten = try project.run()
        XCTAssertEqual(rewritten.emailsWritten, 0)
        XCTAssertEqual(try project.rows("SELECT src_file FROM emails WHERE message_id = 'kp-001@romashka.ru'"),
                       [["input/mailboxes/sent_mboxrd.mbox"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM emails"), [["6"]])
        // Then the archive loses it too, and the Sent file is emptied: still history, with its proposal.
        let takeout = project.dir.appendingPathComponent("input/mailboxes/takeout_crlf.mbox")
        let archive = try Data(contentsOf: takeout)
        let cut = archive.range(of: Data("From 1654953015393719154@xxx".utf8))!.lowerBound
        try archive[cut...].write(to: takeout)
        try Data().write(to: sent)
        try project.run()
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM emails"), [["6"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM email_attachments WHERE message_id = 'kp-001@romashka.ru'"), [["1"]])
        XCTAssertEqual(try project.rows("SELECT emails_out, proposals FROM rep_daily WHERE rep_id = 'r01' AND local_date = '2026-11-10'"),
                       [["1", "1"]])
    }
}
