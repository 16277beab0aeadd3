import SalesopsCore
import SalesopsExtract
import XCTest

/// Every extractor through the same checks: positions set, bad rows quarantined, empty file,
/// LF vs CRLF vs a UTF-8 BOM giving the same records.
final class ExtractorConformanceTests: XCTestCase {
    struct Case {
        var name: String
        var fixture: String
        var make: () -> CallLegExtractor
        var expectedLegs: Int
        var expectedRejects: Int
    }

    let cases: [Case] = {
        let msk = ZoneClock(identifier: "Europe/Moscow")!
        let sipuni = SourceConfig(
            name: "regions", type: "mapped_csv", path: "x",
            format: CSVFormat(delimiter: UInt8(ascii: ";"), encoding: .windows1251, header: true, dateFormat: "dd.MM.yyyy HH:mm:ss"),
            columns: ["started_at": "Время", "direction": "Тип", "src": "Откуда", "dst": "Куда",
                      "billsec": "Длительность разговора, сек", "duration": "Длительность звонка, сек"],
            values: ["direction": ["входящий": "inbound", "исходящий": "outbound"]])
        return [
            Case(name: "asterisk_cdr", fixture: "malformed_rows.csv",
                 make: { AsteriskCDRExtractor(sourceName: "a", clock: msk) }, expectedLegs: 2, expectedRejects: 3),
            Case(name: "freepbx_cdr", fixture: "freepbx_header.csv",
                 make: { FreePBXCDRExtractor(sourceName: "f", clock: msk) }, expectedLegs: 3, expectedRejects: 0),
            Case(name: "mapped_csv", fixture: "sipuni_cp1251.csv",
                 make: { MappedCSVExtractor(source: sipuni, clock: msk) }, expectedLegs: 3, expectedRejects: 0),
        ]
    }()

    func run(_ c: Case, bytes: [UInt8]) throws -> CollectingSink {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("conf-\(UUID()).csv").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = CollectingSink()
        let rows = try c.make().extract(path: path, displayPath: "in/\(c.fixture)", into: sink)
        XCTAssertEqual(rows, sink.legs.count + sink.rejects.count + sink.filtered.count, "\(c.name): accounting")
        return sink
    }

    func variants(_ original: [UInt8]) -> [String: [UInt8]] {
        var lf: [UInt8] = []
        for b in original where b != 0x0D { lf.append(b) }
        var crlf: [UInt8] = []
        for b in lf { if b == 0x0A { crlf.append(0x0D) }; crlf.append(b) }
        return ["lf": lf, "crlf": crlf, "bom+lf": [0xEF, 0xBB, 0xBF] + lf]
    }

    func testEveryExtractorBehavesTheSameOnEveryLineEnding() throws {
        for c in cases {
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.telephony(c.fixture))))
            var reference: CollectingSink?
            for (variant, bytes) in variants(original).sorted(by: { $0.key < $1.key }) {
                if variant == "bom+lf" && c.name == "mapped_csv" { continue }   // a BOM is UTF-8 only
                let sink = try run(c, bytes: bytes)
                XCTAssertEqual(sink.legs.count, c.expectedLegs, "\(c.name) \(variant)")
                XCTAssertEqual(sink.rejects.count, c.expectedRejects, "\(c.name) \(variant)")
                for leg in sink.legs {
                    XCTAssertEqual(leg.position.file, "in/\(c.fixture)")
                    XCTAssertGreaterThan(leg.position.line, 0)
                }
                for reject in sink.rejects { XCTAssertFalse(reject.raw.contains("\r"), "\(c.name) \(variant)") }
                if let reference {
                    XCTAssertEqual(sink.legs, reference.legs, "\(c.name) \(variant)")
                    XCTAssertEqual(sink.rejects, reference.rejects, "\(c.name) \(variant)")
                } else {
                    reference = sink
                }
            }
        }
    }

    func testEmptyFiles() throws {
        for c in cases {
            let sink = try run(c, bytes: [])
            XCTAssertTrue(sink.legs.isEmpty && sink.rejects.isEmpty, c.name)
        }
    }
}
