import SalesopsCore
import SalesopsExtract
import XCTest

final class AsteriskCDRExtractorTests: XCTestCase {
    let clock = ZoneClock(identifier: "Europe/Moscow")!

    func extract(_ name: String) throws -> (CollectingSink, Int) {
        let sink = CollectingSink()
        let rows = try AsteriskCDRExtractor(sourceName: "pbx", clock: clock)
            .extract(path: Fixtures.telephony(name), displayPath: "input/\(name)", into: sink)
        return (sink, rows)
    }

    /// 2026-11-10 10:00:00 Moscow = 07:00:00 UTC.
    let start: Int64 = 1_794_294_000

    func testSixteenColumnsHaveNoIdsAndGroupByChannel() throws {
        let (sink, rows) = try extract("cdr_csv_16_columns.csv")
        XCTAssertEqual(rows, 1)
        let leg = try XCTUnwrap(sink.legs.first)
        XCTAssertEqual(leg.uniqueID, "")
        XCTAssertEqual(leg.linkedID, "")
        XCTAssertNil(leg.sequence)
        XCTAssertEqual(leg.start, start)
        XCTAssertEqual(leg.answer, start + 5)
        XCTAssertEqual(leg.duration, 105)
        XCTAssertEqual(leg.billsec, 100)
        XCTAssertEqual(leg.disposition, .answered)
        XCTAssertEqual(leg.callKey, "SIP/101-00000001@\(start)")
        XCTAssertEqual(leg.position, SourcePosition(file: "input/cdr_csv_16_columns.csv", line: 1))
    }

    /// The identity hash is stored (`leg_hash`): a row read again, by any path, must hash as before.
    /// The values are the FNV-1a of the fields' text as the first warehouses stored them.
    func testIdentityHashIsTheStoredOneFromBytesAndFromText() throws {
        let (byChannel, _) = try extract("cdr_csv_16_columns.csv")
        XCTAssertEqual(byChannel.legs.first?.identityHash, -659_250_139_012_419_330)
        let (byLinkedID, _) = try extract("cdr_csv_21_columns.csv")
        XCTAssertEqual(byLinkedID.legs.first?.identityHash, -8_333_884_221_716_570_868)
        // A byte that is not UTF-8 hashes as the text a CallLeg holds (repaired to U+FFFD).
        let src: [UInt8] = [0x38, 0xC0, 0x39]
        let dst: [UInt8] = Array("101".utf8)
        try src.withUnsafeBufferPointer { src in
            try dst.withUnsafeBufferPointer { dst in
                let bytes = CallLegBytes(position: SourcePosition(file: "f", line: 1), source: "pbx", src: src, dst: dst,
                                         start: start, duration: 10, billsec: 5, disposition: .answered)
                XCTAssertEqual(bytes.callKey, "8\u{FFFD}9@\(start)")
                XCTAssertEqual(bytes.identityHash, -7_922_119_229_033_911_154)
                XCTAssertEqual(CallLeg(bytes).identityHash, bytes.identityHash)
                XCTAssertEqual(try XCTUnwrap(CallLeg(bytes).src), "8\u{FFFD}9")
            }
        }
    }

    func testEighteenColumnsCarryUniqueIDAndUserfield() throws {
        let (sink, _) = try extract("cdr_csv_18_columns.csv")
        let leg = try XCTUnwrap(sink.legs.first)
        XCTAssertEqual(leg.uniqueID, "1762758000.1")
        XCTAssertEqual(leg.linkedID, "")
        XCTAssertNil(leg.sequence)
        XCTAssertEqual(leg.callKey, "1762758000.1")
    }

    func testTwentyOneColumnsCarryLinkedIDAndSequence() throws {
        let (sink, _) = try extract("cdr_csv_21_columns.csv")
        let leg = try XCTUnwrap(sink.legs.first)
        XCTAssertEqual(leg.uniqueID, "1762758000.1")
        XCTAssertEqual(leg.linkedID, "1762758000.1")
        XCTAssertEqual(leg.sequence, 1)
        XCTAssertEqual(leg.src, "101")
        XCTAssertEqual(leg.dst, "89161234567")
        XCTAssertEqual(leg.clid, "\"Анна\" <101>")
    }

    func testClidWithQuotesAndCommasStaysOneField() throws {
        let (sink, _) = try extract("clid_quotes_commas.csv")
        XCTAssertEqual(sink.rejects, [])
        let leg = try XCTUnwrap(sink.legs.first)
        XCTAssertEqual(leg.clid, "\"Иванов, Пётр\" <84951112233>")
        XCTAssertEqual(leg.lastApp, "Dial")
        XCTAssertEqual(leg.billsec, 95)
        XCTAssertEqual(leg.sequence, 1)
    }

    func testNonUTF8ClidIsDecodedAsWindows1251() throws {
        let (sink, _) = try extract("clid_non_utf8.csv")
        XCTAssertEqual(sink.legs.first?.clid, "\"ООО Ромашка\" <84951112244>")
    }

    func testUnansweredRowHasNoAnswerTime() throws {
        let (sink, _) = try extract("unanswered_row.csv")
        let leg = try XCTUnwrap(sink.legs.first)
        XCTAssertNil(leg.answer)
        XCTAssertEqual(leg.disposition, .noAnswer)
        XCTAssertEqual(leg.billsec, 0)
        XCTAssertEqual(leg.duration, 25)
    }

    func testMalformedRowsAreRejectedWithLineAndReason() throws {
        let (sink, rows) = try extract("malformed_rows.csv")
        XCTAssertEqual(rows, 6)
        XCTAssertEqual(sink.legs.map(\.position.line), [1, 6])
        XCTAssertEqual(sink.rejects.map(\.position.line), [2, 3, 4])
        XCTAssertEqual(sink.rejects.map(\.reason), [
            "wrong column count 15 (cdr_csv has 16 to 21)",
            "bad start timestamp '2026-11-31 18:00:00'",
            "negative duration (-10) or billsec (0)",
        ])
        XCTAssertTrue(sink.rejects[0].raw.hasPrefix("\"\",\"101\",\"89161112233\""))
        XCTAssertEqual(sink.filtered.map(\.0), ["hangup_extension"])
        XCTAssertEqual(sink.filtered.map(\.1.line), [5])
    }

    func testEmptyFileReadsNothing() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID()).csv").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = CollectingSink()
        let rows = try AsteriskCDRExtractor(sourceName: "pbx", clock: clock).extract(path: path, displayPath: "e", into: sink)
        XCTAssertEqual(rows, 0)
        XCTAssertTrue(sink.legs.isEmpty)
    }
}

final class FreePBXCDRExtractorTests: XCTestCase {
    func testHeaderFileWithPHPQuoting() throws {
        let sink = CollectingSink()
        let rows = try FreePBXCDRExtractor(sourceName: "spb", clock: ZoneClock(identifier: "Europe/Moscow")!)
            .extract(path: Fixtures.telephony("freepbx_header.csv"), displayPath: "f.csv", into: sink)
        XCTAssertEqual(rows, 3)
        XCTAssertEqual(sink.rejects, [])
        XCTAssertEqual(sink.legs.map(\.position.line), [2, 3, 4])
        let first = sink.legs[0]
        XCTAssertEqual(first.clid, "\"Петров, ИП\" <84951113344>")
        XCTAssertEqual(first.dstChannel, "Local/101@from-queue-0000001b;1")
        XCTAssertEqual(first.did, "74951230000")
        XCTAssertEqual(first.linkedID, "1762761600.26")
        XCTAssertEqual(first.sequence, 261)
        XCTAssertEqual(first.start, 1_794_297_600)   // 11:00 Moscow
        XCTAssertEqual(first.billsec, 70)
        XCTAssertEqual(first.answer, 1_794_297_610)
        XCTAssertEqual(sink.legs[1].disposition, .noAnswer)
        XCTAssertNil(sink.legs[1].answer)
    }
}

final class MappedCSVExtractorTests: XCTestCase {
    func sipuni() -> SourceConfig {
        SourceConfig(name: "regions", type: "mapped_csv", path: "x", timeZone: "Asia/Yekaterinburg",
                     format: CSVFormat(delimiter: UInt8(ascii: ";"), encoding: .windows1251, header: true,
                                       dateFormat: "dd.MM.yyyy HH:mm:ss"),
                     columns: ["call_id": "ID записи", "started_at": "Время", "direction": "Тип", "disposition": "Статус",
                               "src": "Откуда", "dst": "Куда", "answered_by": "Кто ответил",
                               "duration": "Длительность звонка, сек", "billsec": "Длительность разговора, сек"],
                     values: ["direction": ["входящий": "inbound", "исходящий": "outbound"],
                              "disposition": ["отвечен": "answered", "не отвечен": "no_answer"]])
    }

    func testSipuniStyleWindows1251Export() throws {
        let sink = CollectingSink()
        let rows = try MappedCSVExtractor(source: sipuni(), clock: ZoneClock(identifier: "Asia/Yekaterinburg")!)
            .extract(path: Fixtures.telephony("sipuni_cp1251.csv"), displayPath: "s.csv", into: sink)
        XCTAssertEqual(rows, 3)
        XCTAssertEqual(sink.rejects, [])
        XCTAssertEqual(sink.legs.count, 3)
        let out = sink.legs[0]
        XCTAssertEqual(out.declaredDirection, .outbound)
        XCTAssertEqual(out.disposition, .answered)
        XCTAssertEqual(out.src, "101")
        XCTAssertEqual(out.dst, "89161234567")
        XCTAssertEqual(out.start, 1_794_294_000)   // 12:00 Yekaterinburg = 07:00 UTC
        XCTAssertEqual(out.billsec, 45)
        XCTAssertEqual(out.duration, 50)
        XCTAssertEqual(out.uniqueID, "1762758000.117599")
        let missed = sink.legs[1]
        XCTAssertEqual(missed.declaredDirection, .inbound)
        XCTAssertEqual(missed.disposition, .noAnswer)
        XCTAssertEqual(missed.src, "8 (916) 123-45-68")
        XCTAssertEqual(sink.legs[2].answeredBy, "102")
        XCTAssertEqual(sink.legs.map(\.position.line), [2, 3, 4])
    }

    func testUnknownHeaderColumnIsALocatedError() throws {
        var source = sipuni()
        source.columns["billsec"] = "Разговор"
        XCTAssertThrowsError(try MappedCSVExtractor(source: source, clock: ZoneClock(identifier: "UTC")!)
            .extract(path: Fixtures.telephony("sipuni_cp1251.csv"), displayPath: "s.csv", into: CollectingSink())) { error in
            XCTAssertEqual((error as? SalesopsError)?.position, SourcePosition(file: "s.csv", line: 1))
        }
    }
}

final class TimeZoneCrossCheckTests: XCTestCase {
    func testUTCTimestampsInALocalTimeSourceAreFlagged() throws {
        let sink = CollectingSink()
        let result = try AsteriskCDRExtractor(sourceName: "pbx", clock: ZoneClock(identifier: "Europe/Moscow")!)
            .extract(path: Fixtures.telephony("usegmtime_utc_timestamps.csv"), displayPath: "u.csv", resume: nil, into: sink)
        XCTAssertEqual(result.rows, 4)
        XCTAssertEqual(result.warnings, [
            "timestamps look like UTC+00:00 (start minus the uniqueid epoch in 4 rows), but the source's time_zone is "
                + "Europe/Moscow (UTC+03:00): check time_zone (Asterisk's usegmtime writes UTC)",
        ])
    }

    func testMatchingZoneGivesNoWarning() throws {
        let result = try AsteriskCDRExtractor(sourceName: "pbx", clock: ZoneClock(identifier: "UTC")!)
            .extract(path: Fixtures.telephony("usegmtime_utc_timestamps.csv"), displayPath: "u.csv", resume: nil,
                     into: CollectingSink())
        XCTAssertEqual(result.warnings, [])
    }
}
