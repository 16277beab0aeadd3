import SalesopsCore
import SalesopsExtract
import SalesopsTransform
import XCTest

final class PhoneNormalizerTests: XCTestCase {
    func testRussianNumberTable() {
        let n = PhoneNormalizer(maxExtensionDigits: 4)
        let table: [(String, PhoneNumber)] = [
            ("89245555937", .e164("+79245555937")),
            ("79999999999", .e164("+79999999999")),
            ("+79161234567", .e164("+79161234567")),
            ("9245555937", .e164("+79245555937")),
            ("4951234567", .e164("+74951234567")),
            ("8 (495) 123-45-67", .e164("+74951234567")),
            ("+7 (495) 123-45-67", .e164("+74951234567")),
            ("8-495-123-45-67", .e164("+74951234567")),
            ("81079246516548", .e164("+79246516548")),
            ("810375291234567", .e164("+375291234567")),
            ("0037529123456", .e164("+37529123456")),
            ("214943", .local("214943")),
            ("2149430", .local("2149430")),
            ("301", .extension("301")),
            ("1001", .extension("1001")),
            ("s", .unknown),
            ("anonymous", .unknown),
            ("", .unknown),
            ("123456789012345678", .unknown),
        ]
        for (raw, expected) in table {
            XCTAssertEqual(n.normalize(raw), expected, raw)
        }
    }
}

final class TimestampTests: XCTestCase {
    func parse(_ pattern: String, _ text: String) -> Int64? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { TimestampPattern(pattern).parse(UnsafeBufferPointer($0)) }
    }

    func testPatterns() {
        XCTAssertEqual(parse("yyyy-MM-dd HH:mm:ss", "2026-11-10 10:00:00"), 1_794_304_800)
        XCTAssertEqual(parse("dd.MM.yyyy HH:mm:ss", "10.11.2026 10:00:00"), 1_794_304_800)
        XCTAssertEqual(parse("dd.MM.yyyy HH:mm:ss", "10.11.2026 10:00"), 1_794_304_800)
        XCTAssertEqual(parse("dd.MM.yyyy HH:mm:ss", "1.2.2026 9:05:07"), 1_769_936_707)
        XCTAssertNil(parse("yyyy-MM-dd HH:mm:ss", "2026-11-31 10:00:00"))
        XCTAssertNil(parse("yyyy-MM-dd HH:mm:ss", "2026-02-29 10:00:00"))
        XCTAssertNil(parse("yyyy-MM-dd HH:mm:ss", "2026-11-10T10:00:00"))
        XCTAssertNil(parse("yyyy-MM-dd HH:mm:ss", ""))
    }

    func testZoneClockConvertsBothWays() {
        let msk = ZoneClock(identifier: "Europe/Moscow")!
        XCTAssertEqual(msk.utc(fromLocal: 1_794_304_800), 1_794_294_000)
        XCTAssertEqual(msk.localDateString(ofUTC: 1_794_344_310), "2026-11-10")   // 23:58:30 local
        XCTAssertEqual(msk.localDateString(ofUTC: 1_794_344_490), "2026-11-11")   // 00:01:30 local
        let berlin = ZoneClock(identifier: "Europe/Berlin")!
        // 2026-03-29 02:30 does not exist in Berlin (spring forward): shifted into the new offset.
        XCTAssertEqual(berlin.offset(atUTC: berlin.utc(fromLocal: 1_774_751_400)), 7200)
        XCTAssertEqual(CivilTime.utcString(epoch: 1_794_294_000), "2026-11-10T07:00:00Z")
        XCTAssertEqual(CivilTime.isoWeekday(days: CivilTime.days(fromDateString: "2026-11-09")!), 1)
    }

    func testSHA256() {
        var h = SHA256Hasher()
        Array("abc".utf8).withUnsafeBytes { h.update($0) }
        XCTAssertEqual(h.snapshotHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(h.finalizeHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var long = SHA256Hasher()
        [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000).withUnsafeBytes { long.update($0) }
        XCTAssertEqual(long.finalizeHex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var empty = SHA256Hasher()
        XCTAssertEqual(empty.finalizeHex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// A saved state resumes where it was taken, mid-block or on a block boundary: the million "a"s
    /// hashed as 100,003 bytes, then the rest from the saved state, give the known digest.
    func testSHA256ResumesFromASavedState() throws {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        for cut in [0, 64, 100_003] {
            var first = SHA256Hasher()
            million[..<cut].withUnsafeBytes { first.update($0) }
            let saved = first.state
            XCTAssertEqual(saved.count, 216)
            var resumed = try XCTUnwrap(SHA256Hasher(resuming: saved))
            million[cut...].withUnsafeBytes { resumed.update($0) }
            XCTAssertEqual(resumed.finalizeHex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "cut \(cut)")
        }
        XCTAssertNil(SHA256Hasher(resuming: ""))
        XCTAssertNil(SHA256Hasher(resuming: String(repeating: "z", count: 216)))
        // 3 bytes counted (24 bits) but 5 said to be pending: not a state SHA-256 can be in.
        var abc = SHA256Hasher()
        Array("abc".utf8).withUnsafeBytes { abc.update($0) }
        XCTAssertNil(SHA256Hasher(resuming: String(abc.state.dropLast(8)) + "05000000"))
    }
}
