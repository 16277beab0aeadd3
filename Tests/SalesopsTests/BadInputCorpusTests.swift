import Foundation
import SalesopsPipeline
import SalesopsSQLite
import XCTest

/// Every reader against the same bad inputs, made by damaging a good fixture of its own format: none
/// may crash or fail the night; what it cannot read is a located reject (file, line, reason) or a
/// located no-data finding; rows read = loaded + filtered + rejected; the good rows around a bad one
/// still load.
final class BadInputCorpusTests: XCTestCase {
    struct Reader {
        var name: String
        var type: String
        var extra: String
        var fixture: String
        var ext: String
        var family: Family
    }

    enum Family { case csv, json, mail }

    static let readers: [Reader] = [
        Reader(name: "asterisk", type: "asterisk_cdr", extra: "", fixture: "telephony/cdr_csv_18_columns.csv", ext: "csv", family: .csv),
        Reader(name: "freepbx", type: "freepbx_cdr", extra: "", fixture: "telephony/freepbx_header.csv", ext: "csv", family: .csv),
        Reader(name: "sipuni", type: "mapped_csv", extra: """
                format: {delimiter: ";", encoding: windows-1251, header: true, date_format: dd.MM.yyyy HH:mm:ss}
                columns: {call_id: ID записи, started_at: Время, direction: Тип, disposition: Статус, src: Откуда, dst: Куда,
                          answered_by: Кто ответил, duration: "Длительность звонка, сек", billsec: "Длительность разговора, сек"}
                values:
                  direction: {входящий: inbound, исходящий: outbound}
                  disposition: {отвечен: answered, не отвечен: no_answer, занято: busy}

            """, fixture: "telephony/sipuni_cp1251.csv", ext: "csv", family: .csv),
        Reader(name: "bitrix_ui", type: "bitrix24_csv", extra: "    entity: deals\n",
               fixture: "crm/ui_export/DEAL_20261121_utf8_bom.csv", ext: "csv", family: .csv),
        Reader(name: "hubspot", type: "mapped_csv_crm", extra: """
                format: {delimiter: ",", header: true, date_format: "yyyy-MM-dd HH:mm"}
                columns: {id: Record ID, title: Deal Name, stage: Deal Stage, pipeline: Pipeline, amount: Amount,
                          closed_at: Close Date, created_at: Create Date, responsible: Deal owner}
                values:
                  stage: {Closed Won: WON, Closed Lost: LOSE, Presentation Scheduled: PREPARATION, Negotiation: EXECUTING}
                  pipeline: {Sales Pipeline: "0"}

            """, fixture: "crm/hubspot-crm-exports-all-deals-2026-11-20.csv", ext: "csv", family: .csv),
        Reader(name: "bitrix_rest", type: "bitrix24_rest", extra: "    method: crm.deal.list\n",
               fixture: "crm/quality/deals.json", ext: "json", family: .json),
        Reader(name: "mbox", type: "mbox", extra: "", fixture: "mail/sent_mboxrd.mbox", ext: "mbox", family: .mail),
        Reader(name: "eml", type: "eml", extra: "", fixture: "mail/eml/cp1251_q_folded_subject.eml", ext: "eml", family: .mail),
    ]

    /// Deterministic pseudo-random bytes.
    static func garbage(_ count: Int, seed: UInt64) -> Data {
        var x = seed
        return Data((0..<count).map { _ in
            x = x &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: x >> 33)
        })
    }

    static func lines(_ data: Data) -> [Data] {
        var out: [Data] = []
        var start = data.startIndex
        for i in data.indices where data[i] == 0x0A {
            out.append(data[start...i])
            start = i + 1
        }
        if start < data.endIndex { out.append(data[start...]) }
        return out
    }

    /// The first match of `pattern` replaced, byte for byte elsewhere (a windows-1251 file stays one).
    static func replacing(_ data: Data, _ pattern: String, _ with: String) -> Data {
        let text = String(decoding: data.map { UInt16($0) }, as: UTF16.self)   // Latin-1: one character a byte
        guard let range = text.range(of: pattern, options: .regularExpression) else { return data }
        let replaced = text.replacingCharacters(in: range, with: with)
        return Data(replaced.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
    }

    /// The bad inputs of a reader's family, each a file made from the good fixture.
    static func cases(_ reader: Reader, good: Data) -> [(String, Data)] {
        let rows = lines(good)
        let firstDate = reader.family == .mail ? #"\d{1,2} \w{3} 2026"# : #"(2026-11-\d\d|\d\d\.11\.2026)"#
        var damagedGzip = Data([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03])
        damagedGzip.append(garbage(2048, seed: 7))
        var cases: [(String, Data)] = [
            ("empty file", Data()),
            ("binary garbage", garbage(64 << 10, seed: 42)),
            ("truncated last line", good.prefix(good.count - min(25, good.count / 3))),
            ("impossible date", replacing(good, firstDate, reader.family == .mail ? "30 Feb 2026" : "2026-02-30")),
            ("far future date", replacing(good, firstDate, reader.family == .mail ? "31 Dec 9999" : "9999-12-31")),
            ("far past date", replacing(good, firstDate, reader.family == .mail ? "1 Jan 1900" : "1900-01-01")),
            ("wrong encoding", Data(String(decoding: good, as: UTF8.self).data(using: .utf16LittleEndian) ?? good)),
            ("damaged gzip", damagedGzip),
        ]
        switch reader.family {
        case .csv:
            let header = reader.type == "asterisk_cdr" ? Data() : rows[0]
            let body = reader.type == "asterisk_cdr" ? Array(rows) : Array(rows.dropFirst())
            cases += [
                ("header only", header),
                ("unterminated quote", header + Data("\"".utf8) + body.reduce(Data(), +)),
                ("1 MB field", header + Data(String(repeating: "x", count: 1 << 20).utf8) + body.reduce(Data(), +)),
                ("wrong column count", header + Data("a,b;c\n".utf8) + body.reduce(Data(), +)),
                ("duplicated rows", header + body.reduce(Data(), +) + body.reduce(Data(), +)),
                ("negative and huge durations", replacing(replacing(good, #",\d+,\d+,(ANSWERED|"ANSWERED")"#, ",-5,99999999999999999999,ANSWERED"),
                                                           #";\d+;\d+;"#, ";-5;99999999999999999999;")),
            ]
        case .json:
            cases += [
                ("truncated JSON", good.prefix(good.count / 2)),
                ("nested 100,000 levels", Data(("{\"result\":" + String(repeating: "[", count: 100_000)).utf8)),
                ("1 MB string", Data("{\"result\":[{\"ID\":\"1\",\"TITLE\":\"\(String(repeating: "я", count: 1 << 19))\"}]}".utf8)),
                ("invalid UTF-8", replacing(good, "\"TITLE\":\"", "\"TITLE\":\"\u{FFFD}") + Data([0xFF, 0xFE, 0x22])),
                ("duplicated records", good + good),
            ]
        case .mail:
            cases += [
                ("broken MIME boundaries", Data("""
                    From a.smirnova@romashka.ru Tue Nov 10 09:15:00 2026
                    Message-ID: <broken@romashka.ru>
                    Date: Tue, 10 Nov 2026 12:15:00 +0300
                    From: A.Smirnova@Romashka.ru
                    To: petrov@client.ru
                    Subject: broken
                    Content-Type: multipart/mixed; boundary="never"

                    --other
                    Content-Type: multipart/alternative; boundary="inner"

                    --inner
                    text
                    """.utf8) + good),
                ("10 MB header line", Data("From a.smirnova@romashka.ru Tue Nov 10 09:15:00 2026\nX-Long: \(String(repeating: "a", count: 10 << 20))\nDate: Tue, 10 Nov 2026 12:15:00 +0300\nFrom: a.smirnova@romashka.ru\nTo: b@client.ru\nSubject: long\n\nbody\n\n".utf8) + good),
                ("1 MB subject", replacing(good, "Subject: ", "Subject: " + String(repeating: "s", count: 1 << 20))),
                ("duplicated message", good + Data("\n".utf8) + good),
            ]
        }
        return cases
    }

    func testEveryReaderSurvivesEveryBadInputWithLocatedRejectsAndBalancedAccounting() throws {
        for reader in Self.readers {
            let good = try Data(contentsOf: Fixtures.root.appendingPathComponent(reader.fixture))
            for (name, data) in Self.cases(reader, good: good) {
                let label = "\(reader.name) / \(name)"
                let project = try TestProject(sources: [(reader.name, reader.type, [], reader.extra)])
                defer { project.remove() }
                try data.write(to: project.dir.appendingPathComponent("input/\(reader.name)/bad.\(reader.ext)"))
                let outcome: RunOutcome
                do { outcome = try project.run(asOf: "2026-11-20", reports: true) } catch {
                    XCTFail("\(label): the night failed: \(error)")
                    continue
                }
                let stats = outcome.stats[0]
                XCTAssertTrue(stats.balances, label)
                XCTAssertEqual(try project.rows("""
                    SELECT COUNT(*) FROM rejects WHERE src_file = '' OR reason = '' OR src_line < 0
                    """), [["0"]], label)
                // Nothing it read vanished: each row was loaded, filtered or rejected, or the file is a finding.
                if stats.rowsRead == 0 && !data.isEmpty && name != "header only" {
                    XCTAssertFalse(stats.noData.isEmpty && stats.filesRead == 0, "\(label): read nothing and said nothing")
                }
                if name == "binary garbage" || name == "damaged gzip" || name == "wrong encoding" {
                    XCTAssertTrue(stats.rowsRejected > 0 || stats.rowsFiltered > 0 || !stats.noData.isEmpty
                                  || (reader.family == .mail && stats.rowsLoaded <= 1), "\(label): \(stats)")
                }
                if name == "duplicated rows" || name == "duplicated records" || name == "duplicated message" {
                    // The same facts once.
                    let single = try TestProject(sources: [(reader.name, reader.type, [], reader.extra)])
                    defer { single.remove() }
                    try good.write(to: single.dir.appendingPathComponent("input/\(reader.name)/good.\(reader.ext)"))
                    try single.run(asOf: "2026-11-20")
                    for table in ["calls", "emails", "deals"] {
                        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM \(table)"), try single.rows("SELECT COUNT(*) FROM \(table)"),
                                       "\(label): \(table)")
                    }
                }
                // The workbook of that night was written whole.
                let book = project.dir.appendingPathComponent("output/reports/2026-11-20/department.xlsx").path
                XCTAssertTrue(FileManager.default.fileExists(atPath: book), label)
            }
        }
    }

    /// Writes `head`, `count` bytes of "x", then `tail`, in 1 MB pieces (the test process stays small).
    func write(_ url: URL, head: String, count: Int, tail: String) throws {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        handle.write(Data(head.utf8))
        let piece = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<(count >> 20) { handle.write(piece) }
        handle.write(Data(tail.utf8))
    }

    func testA50MBFieldAndA50MBHeaderLineKeepMemoryBounded() throws {
        let project = try TestProject(sources: [("pbx", "asterisk_cdr", ["billsec_30_vs_31.csv"], ""), ("mail", "mbox", [], "")])
        defer { project.remove() }
        try write(project.dir.appendingPathComponent("input/pbx/big.csv"), head: "\"\",\"", count: 50 << 20,
                  tail: "\"\n" + (try Fixtures.telephonyText("unanswered_row.csv")))
        try write(project.dir.appendingPathComponent("input/mail/big.mbox"), head: "From a@romashka.ru Tue Nov 10 09:15:00 2026\nX-Big: ",
                  count: 50 << 20, tail: "\nFrom: a.smirnova@romashka.ru\nTo: b@client.ru\nDate: Tue, 10 Nov 2026 12:15:00 +0300\nSubject: big\n\nbody\n")
        // Spawned from a small Python process: a child forked from this test process would count the
        // test's own pages in its peak.
        let measure = "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            + "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        let (_, out, err) = try runProcess("/usr/bin/env", ["python3", "-c", measure, salesopsBinary, "run", "--project", project.dir.path,
                                                            "--as-of", "2026-11-10", "--no-report"])
        let fields = out.split(separator: " ").map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 }
        XCTAssertEqual(fields.first, 0, err)
        // Peak RSS in KB: bounded by the readers' limits (8 MB a CSV line, 1 MB a mail line), not by the input.
        XCTAssertLessThan(fields.last ?? .max, 100 * 1024, "peak RSS \(fields.last ?? -1) KB")
        XCTAssertEqual(try project.rows("SELECT src_line, substr(reason, 1, 40) FROM rejects WHERE source = 'pbx'"),
                       [["1", "line 1 is 52428806 bytes long, over the "]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["3"]])
        XCTAssertEqual(try project.rows("SELECT subject, headers_cut FROM emails"), [["big", "1"]])
    }
}
