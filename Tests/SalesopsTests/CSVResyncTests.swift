import Foundation
import SalesopsCSV
import XCTest

/// One stray quote costs one row: the reader gives up the record at its first line and reads the
/// lines after it again.
final class CSVResyncTests: XCTestCase {
    func records(_ text: String, maxLines: Int = 1000, maxLineBytes: Int = 8 << 20) throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("resync-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CSVReader(path: path, delimiter: UInt8(ascii: ";"))
        defer { reader.close() }
        reader.maxRecordLines = maxLines
        reader.maxLineBytes = maxLineBytes
        var out: [String] = []
        try reader.forEachRecord { r in
            if r.isBroken {
                out.append("\(r.line): broken \(String(decoding: r.raw, as: UTF8.self).prefix(12)) \(r.brokenReason!.prefix(40))")
            } else {
                out.append("\(r.line): " + (0..<r.count).map { r.string($0) }.joined(separator: "|"))
            }
        }
        return out
    }

    func testAQuoteThatNeverClosesLosesOnlyItsLine() throws {
        XCTAssertEqual(try records("a;b\n\"open;c\nd;e\nf;g\n"), ["1: a|b", "2: broken \"open;c unterminated quote: this line opens a qu", "3: d|e", "4: f|g"])
    }

    func testAQuotedFieldOverSeveralLinesIsStillOneRecord() throws {
        XCTAssertEqual(try records("a;\"line one\nline two\";b\nc;d\n"), ["1: a|line one\nline two|b", "3: c|d"])
    }

    func testARecordPastTheLineLimitIsBrokenAndTheRestReadAgain() throws {
        // Legit multi-line fields fit in the limit; a stray quote far from its end does not.
        XCTAssertEqual(try records("a;\"x\nb;c\nd;e\nf;g\n", maxLines: 2),
                       ["1: broken a;\"x unterminated quote: this line opens a qu", "2: b|c", "3: d|e", "4: f|g"])
    }

    func testAnOverlongLineIsSkippedWithoutBeingHeld() throws {
        // 3 MB in one field, with a limit of 1 MB: one located broken record, the lines around it read.
        let long = String(repeating: "x", count: 3 << 20)
        XCTAssertEqual(try records("a;b\nc;\(long)\nd;e\n", maxLineBytes: 1 << 20),
                       ["1: a|b", "2: broken c;xxxxxxxxxx line 2 is 3145731 bytes long, over the 1", "3: d|e"])
        XCTAssertEqual(try records("a;b\nc;\(long)", maxLineBytes: 1 << 20),
                       ["1: a|b", "2: broken c;xxxxxxxxxx line 2 is 3145730 bytes long, over the 1"])
    }

    func testAStrayQuoteInASipuniExportRejectsOneRowAndLoadsTheRest() throws {
        let project = try TestProject(sources: [("regions", "mapped_csv", [], """
                format: {delimiter: ";", header: true, date_format: dd.MM.yyyy HH:mm:ss}
                columns: {started_at: Время, src: Откуда, dst: Куда, duration: Длительность, billsec: Разговор}

            """)])
        defer { project.remove() }
        try """
            Время;Откуда;Куда;Длительность;Разговор
            10.11.2026 10:00:00;101;89161234567;60;50
            10.11.2026 10:05:00;"101;89161234568;60;50
            10.11.2026 10:10:00;101;89161234569;60;50
            10.11.2026 10:15:00;101;89161234570;60;50

            """.write(to: project.dir.appendingPathComponent("input/regions/calls.csv"), atomically: true, encoding: .utf8)
        let outcome = try project.run()
        XCTAssertEqual(outcome.stats.map(\.rowsRead), [4])
        XCTAssertEqual(outcome.stats.map(\.rowsLoaded), [3])
        XCTAssertEqual(try project.rows("SELECT src_line, reason FROM rejects"), [["3", CSVRecord.unterminatedQuote]])
        XCTAssertEqual(try project.rows("SELECT client_phone FROM calls ORDER BY client_phone"),
                       [["+79161234567"], ["+79161234569"], ["+79161234570"]])
    }
}

final class UTF16InputTests: XCTestCase {
    func testAUTF16ExportIsOneFindingNotARejectPerRow() throws {
        let project = try TestProject(sources: [("crm", "bitrix24_csv", [], "    entity: deals\n")])
        defer { project.remove() }
        let text = "\"ID\";\"Название сделки\";\"Стадия сделки\"\r\n\"1\";\"Поставка\";\"Новая\"\r\n\"2\";\"Север\";\"Новая\"\r\n"
        var bom = Data([0xFF, 0xFE])
        bom.append(text.data(using: .utf16LittleEndian)!)
        try bom.write(to: project.dir.appendingPathComponent("input/crm/deals.csv"))
        // And the same without a byte-order mark.
        try text.data(using: .utf16LittleEndian)!.write(to: project.dir.appendingPathComponent("input/crm/deals_nobom.csv"))
        let outcome = try project.run()
        XCTAssertEqual(outcome.stats.map(\.rowsRejected), [0])
        XCTAssertEqual(outcome.stats.first?.noData, [
            "input/crm/deals.csv cannot be read: \(project.dir.path)/input/crm/deals.csv: the file is UTF-16LE text (a spreadsheet's \"Unicode text\" export), not a CSV this reader can read: save it as CSV in UTF-8 or windows-1251",
            "input/crm/deals_nobom.csv cannot be read: \(project.dir.path)/input/crm/deals_nobom.csv: the file is UTF-16LE text (a spreadsheet's \"Unicode text\" export), not a CSV this reader can read: save it as CSV in UTF-8 or windows-1251",
        ])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM rejects"), [["0"]])
    }
}
