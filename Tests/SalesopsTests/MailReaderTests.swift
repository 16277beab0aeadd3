import SalesopsCore
import SalesopsMail
import XCTest

/// mbox and .eml reading on fixtures named after each case (FORMATS.md §2.1–2.8).
final class MailReaderTests: XCTestCase {
    func mail(_ name: String) -> String { Fixtures.root.appendingPathComponent("mail/\(name)").path }

    func messages(_ name: String) throws -> [RawMessage] {
        var out: [RawMessage] = []
        try MboxReader.read(path: mail(name)) { out.append($0) }
        return out
    }

    func eml(_ name: String) throws -> (RawMessage, MailHeaders) {
        let message = try MboxReader.readEML(path: mail("eml/\(name)")).message
        return (message, MailHeaders(message.scanned.headers))
    }

    func testUndecodableHeadersAreThoseWithAReplacementCharacterOrAWordLeftAsWritten() throws {
        let all = try messages("undecodable_headers.mbox").map { MailHeaders($0.scanned.headers) }
        XCTAssertEqual(all.map(\.messageID), ["ud-1@romashka.ru", "ud-2@romashka.ru", "ud-3@romashka.ru", "ud-4@romashka.ru"])
        XCTAssertEqual(all[0].subject, "=?x-unknown-charset?Q?Offer?=")
        XCTAssertEqual(all[1].subject, "Price =? to be agreed")
        XCTAssertEqual(all[2].recipients.first?.name, "Р\u{FFFD}я")   // not UTF-8: read as windows-1251, whose 0x98 is no letter
        XCTAssertEqual(all[3].subject, "КП ok?=yes")
        XCTAssertEqual(all.map(\.undecodable), [true, false, true, false])
    }

    func testMboxrdSentFolder() throws {
        let all = try messages("sent_mboxrd.mbox")
        XCTAssertEqual(all.count, 2)   // the unquoted "From now on" body line does not split the second one
        XCTAssertEqual(all.map(\.offset), [0, 1006])
        let first = MailHeaders(all[0].scanned.headers)
        XCTAssertEqual(first.messageID, "kp-001@romashka.ru")
        XCTAssertEqual(first.subject, "Коммерческое предложение")
        XCTAssertEqual(first.from, [MailboxAddress(name: "Анна Смирнова", address: "a.smirnova@romashka.ru")])
        XCTAssertEqual(first.recipients, [MailboxAddress(name: "Петров, ИП", address: "petrov@client.ru"),
                                          MailboxAddress(name: "", address: "sales@romashka.ru")])
        XCTAssertEqual(first.date, 1_794_302_100)   // 2026-11-10T09:15:00Z
        XCTAssertEqual(all[0].scanned.attachments, [EmailAttachment(filename: "КП_ООО_Ромашка.pdf", contentType: "application/pdf")])
        let second = MailHeaders(all[1].scanned.headers)
        XCTAssertEqual(second.subject, "Re: встреча")
        XCTAssertEqual(second.date, 1_794_380_400)  // 2026-11-11T07:00:00Z: +0300 with a (MSK) comment
        XCTAssertEqual(all[1].scanned.attachments, [])
        XCTAssertNil(all[1].scanned.bodyHash)       // it has a Message-ID
    }

    func testTakeoutCRLFSeparatorsLabelsAndThread() throws {
        let all = try messages("takeout_crlf.mbox")
        XCTAssertEqual(all.count, 3)
        XCTAssertEqual(all[0].separator, "From 1654953015393719153@xxx Tue Nov 10 09:15:00 +0000 2026")
        let proposal = MailHeaders(all[0].scanned.headers)
        XCTAssertEqual(proposal.labels, ["Sent", "Клиенты"])
        XCTAssertEqual(proposal.threadRoot, "gm:1654953015393719100")
        // A single-part PDF message: the name comes from Content-Type with an RFC 2047 word inside the quotes.
        XCTAssertEqual(all[0].scanned.attachments, [EmailAttachment(filename: "КП ООО Ромашка.pdf", contentType: "application/pdf")])
        XCTAssertEqual(MailHeaders(all[1].scanned.headers).labels, ["Chat"])
        let reply = MailHeaders(all[2].scanned.headers)
        XCTAssertEqual(reply.subject, "Re: Коммерческое предложение")
        XCTAssertEqual(reply.from, [MailboxAddress(name: "Petrov", address: "petrov@client.ru")])
        XCTAssertEqual(reply.date, 1_794_310_200)   // 2026-11-10T11:30:00Z
    }

    func testThunderbirdDeletedFlag() throws {
        let all = try messages("thunderbird_deleted.mbox").map { MailHeaders($0.scanned.headers) }
        XCTAssertEqual(all.map(\.deleted), [true, false])
        XCTAssertEqual(all[1].date, 1_794_475_800)   // "12 Nov 26 09:30 GMT": two-digit year, no seconds
    }

    func testSeparatorVariants() throws {
        let all = try messages("separator_variants.mbox")
        XCTAssertEqual(all.map { MailHeaders($0.scanned.headers).messageID }, ["pm-1@example.com", "pm-2@example.com"])
    }

    func testCp1251QuotedPrintableFoldedSubject() throws {
        let (_, h) = try eml("cp1251_q_folded_subject.eml")
        XCTAssertEqual(h.subject, "Коммерческое предложение от ООО «Ромашка»")
        XCTAssertEqual(h.recipients, [MailboxAddress(name: "ООО Вектор", address: "vector@client.ru")])
    }

    func testKoi8rBWords() throws {
        let (_, h) = try eml("koi8r_b_word.eml")
        XCTAssertEqual(h.subject, "Счёт на оплату")
        XCTAssertEqual(h.from, [MailboxAddress(name: "Глеб Соколов", address: "g.sokolov@romashka.ru")])
    }

    func testUTF8CharacterSplitAcrossTwoWords() throws {
        XCTAssertEqual(try eml("split_utf8_words.eml").1.subject, "Предложение")
    }

    func testInlineImageIsNotAnAttachmentAndNamesAreData() throws {
        let (m, _) = try eml("inline_image_and_raw_8bit_name.eml")
        XCTAssertEqual(m.scanned.attachments, [
            EmailAttachment(filename: "Прайс.xlsx", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            EmailAttachment(filename: "1234/../../1234.txt", contentType: "application/octet-stream"),
        ])
    }

    func testRFC2231ContinuationsOutOfOrder() throws {
        // Sections arrive out of order over folded lines with a language tag; filename* beats name*.
        let (m, h) = try eml("rfc2231_continuation.eml")
        XCTAssertEqual(h.subject, "КП")
        XCTAssertEqual(m.scanned.attachments, [EmailAttachment(
            filename: "Предложение.docx", contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document")])
    }

    func testForwardedMessageIsFollowed() throws {
        let (m, h) = try eml("forwarded_rfc822.eml")
        XCTAssertEqual(h.messageID, "fwd@romashka.ru")   // the outer message's headers, not the inner one's
        XCTAssertEqual(m.scanned.attachments, [EmailAttachment(filename: "КП inner.pdf", contentType: "application/pdf")])
    }

    func testMessageWithoutIDIsHashedByContent() throws {
        let (m, h) = try eml("no_message_id.eml")
        XCTAssertNil(h.messageID)
        XCTAssertNotNil(m.scanned.bodyHash)
        // The same mail in an mboxrd file (its ">From" line quoted once more, a blank line after it):
        // one level of quoting undone, the same content.
        let quoted = try messages("no_id_mboxrd.mbox")
        XCTAssertEqual(quoted.count, 1)
        XCTAssertEqual(quoted[0].scanned.bodyHash, m.scanned.bodyHash)
    }

    func testDates() {
        let cases: [(String, Int64?)] = [
            ("Wed, 16 Sep 2020 18:53:03 +0300", 1_600_271_583),
            ("Wed, 16 Sep 2020 18:53:03 +0300 (MSK)", 1_600_271_583),
            ("16 Sep 2020 15:53:03 GMT", 1_600_271_583),
            ("Wed, 16 Sep 20 10:53:03 EST", 1_600_271_583),
            ("Wed, 16 Sep 2020 18:53:03 MSK", 1_600_271_583),
            ("Wed, 16 Sep 2020 15:53 UT", 1_600_271_580),
            ("Mon Jan 06 04:49:45 +0000 2020", 1_578_286_185),
            ("Sun Aug  7 11:40:37 2022", 1_659_872_437),
            ("Wed, 16 Sep 2020 18:53:03 GMT+0300", 1_600_271_583),
            ("not a date", nil),
        ]
        for (text, expected) in cases { XCTAssertEqual(MailDate.parse(text), expected, text) }
    }

    func testAddressLists() {
        func parse(_ bytes: [UInt8]) -> [MailboxAddress] { MailboxAddress.parseList(bytes) }
        func parse(_ text: String) -> [MailboxAddress] { parse(Array(text.utf8)) }
        XCTAssertEqual(parse("\"Иванов И.\" <A@B.ru>, c@d.ru"),
                       [MailboxAddress(name: "Иванов И.", address: "a@b.ru"), MailboxAddress(name: "", address: "c@d.ru")])
        // A quoted name with a comma, an RFC 2047 name, a comment as the name, a group, an empty group.
        XCTAssertEqual(parse("\"Петров, ИП\" <p@client.ru>, =?UTF-8?B?0JDQvdC90LA=?= <anna@romashka.ru>, "
                             + "v.popova@romashka.ru (Вера Попова), sales: x@a.ru, y@b.ru;, undisclosed-recipients:;"), [
            MailboxAddress(name: "Петров, ИП", address: "p@client.ru"), MailboxAddress(name: "Анна", address: "anna@romashka.ru"),
            MailboxAddress(name: "Вера Попова", address: "v.popova@romashka.ru"), MailboxAddress(name: "", address: "x@a.ru"),
            MailboxAddress(name: "", address: "y@b.ru"),
        ])
        // A raw windows-1251 display name (a broken mailer) and an encoded word inside quotes.
        XCTAssertEqual(parse([0x22] + Array("ООО Вектор".data(using: .windowsCP1251)!) + Array("\" <zakupki@vector.ru>".utf8)),
                       [MailboxAddress(name: "ООО Вектор", address: "zakupki@vector.ru")])
        XCTAssertEqual(parse("\"=?koi8-r?B?58zFwiDzz8vPzM/X?=\" <g@romashka.ru>"),
                       [MailboxAddress(name: "Глеб Соколов", address: "g@romashka.ru")])
        XCTAssertEqual(parse("not an address"), [])
    }
}
