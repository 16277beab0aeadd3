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

final class LongHeaderTests: XCTestCase {
    /// A proposal sent to 12,000 addresses: a `To:` field of about 360 KB, folded (one address a line)
    /// or on one line, with Subject and the attachment after it.
    func message(folded: Bool) -> String {
        let addresses = (1...12_000).map { "client\($0)@company\($0).ru" }
        let to = folded ? addresses.joined(separator: ",\n ") : addresses.joined(separator: ", ")
        return """
            From a.smirnova@romashka.ru Tue Nov 10 09:15:00 2026
            Message-ID: <mass-\(folded)@romashka.ru>
            Date: Tue, 10 Nov 2026 12:15:00 +0300
            From: A.Smirnova@Romashka.ru
            To: \(to)
            Subject: =?UTF-8?B?0JrQvtC80LzQtdGA0YfQtdGB0LrQvtC1INC/0YDQtdC00LvQvtC20LXQvdC40LU=?=
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain

            text
            --b1
            Content-Type: application/pdf; name="KP.pdf"
            Content-Disposition: attachment; filename="KP.pdf"

            JVBERi0=
            --b1--

            """
    }

    func testAHugeRecipientListIsCutBetweenAddressesCountedAndTheRestOfTheHeaderRead() throws {
        let project = try TestProject(sources: [("mail", "mbox", [], "")])
        defer { project.remove() }
        try (message(folded: true) + "\n" + message(folded: false))
            .write(to: project.dir.appendingPathComponent("input/mail/mass.mbox"), atomically: true, encoding: .utf8)
        try project.run(asOf: "2026-11-10", reports: true)
        XCTAssertEqual(try project.rows("""
            SELECT message_id, direction, rep_id, client_email, subject, is_proposal, headers_cut FROM emails ORDER BY message_id
            """), [
            ["mass-false@romashka.ru", "outbound", "r01", "client1@company1.ru", "Коммерческое предложение", "1", "1"],
            ["mass-true@romashka.ru", "outbound", "r01", "client1@company1.ru", "Коммерческое предложение", "1", "1"],
        ])
        // Whole addresses only: every kept recipient is one of the sent ones, and most of them are kept.
        let kept = try project.rows("SELECT address FROM email_recipients WHERE message_id = 'mass-true@romashka.ru'").map { $0[0] }
        XCTAssertGreaterThan(kept.count, 7_000)
        XCTAssertLessThan(kept.count, 12_000)
        XCTAssertTrue(kept.allSatisfy { $0.hasPrefix("client") && $0.hasSuffix(".ru") && $0.contains("@company") }, "\(kept.suffix(3))")
        // The Data quality sheet counts the cut messages per source.
        let book = project.dir.appendingPathComponent("output/reports/2026-11-10/department.xlsx").path
        let script = """
            import sys, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1])["Data quality"]
            rows = [[c.value for c in r] for r in ws.iter_rows()]
            at = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("Mail: without Message-ID"))
            print(rows[at + 1][:5]); print(rows[at + 2][:5])
            """
        let (code, out, err) = try runProcess("/usr/bin/env", ["python3", "-c", script, book])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(out, "['Source', 'Messages', 'Without Message-ID', 'Undecodable headers', 'Headers cut (too long)']\n['mail', 2, 0, 0, 2]\n")
    }
}
