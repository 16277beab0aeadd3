import SalesopsExtract
import SalesopsJSON
import XCTest

/// Strict streaming JSON and the shapes of saved Bitrix24 REST responses (FORMATS.md §3.2).
final class BitrixDumpTests: XCTestCase {
    func crm(_ name: String) -> String { Fixtures.root.appendingPathComponent("crm/\(name)").path }

    func records(_ name: String) throws -> [(JSONValue, Int)] {
        var out: [(JSONValue, Int)] = []
        try BitrixRESTDump.forEachRecord(path: crm(name)) { out.append(($0, $1)) }
        return out
    }

    func testOnePageWithEscapesNullsAndEmptyDates() throws {
        let all = try records("deals_one_page.json")
        XCTAssertEqual(all.map { $0.0["ID"]?.text }, ["37", "38"])
        XCTAssertEqual(all.map(\.1), [1, 2])
        XCTAssertEqual(all[0].0["TITLE"], .string("Поставка «Вектор»"))
        XCTAssertEqual(all[0].0["COMMENTS"], .string("[B]важно[/B]"))
        XCTAssertEqual(all[0].0["BEGINDATE"], .string(""))
        XCTAssertEqual(all[1].0["LEAD_ID"], .null)
    }

    func testPagesOneAfterAnotherInAnArrayOrPlainArrays() throws {
        XCTAssertEqual(try records("deals_two_pages.json").map { $0.0["STAGE_ID"]?.text }, ["NEW", "C1:UC_M3VGWL"])
        XCTAssertEqual(try records("deals_two_pages.json").map(\.1), [1, 2])
        XCTAssertEqual(try records("deals_pages_array.json").map { $0.0["ID"]?.text }, ["1", "2"])
        XCTAssertEqual(try records("deals_plain_array.json").map { $0.0["ID"]?.text }, ["1", "2"])
        XCTAssertEqual(try records("deals_plain_array.json").map(\.1), [2, 3])
    }

    func testStageHistoryItemsAndTasksAreNested() throws {
        let history = try records("stagehistory_items.json")
        XCTAssertEqual(history.map { $0.0["STAGE_ID"]?.text }, ["NEW", "PREPARATION", "WON"])
        XCTAssertEqual(history[0].0["OWNER_ID"], .number("37"))   // real integers in this method
        let tasks = try records("tasks_camelcase.json")
        XCTAssertEqual(tasks.map { $0.0["id"]?.text }, ["801", "802"])
        XCTAssertEqual(tasks[1].0["closedDate"], .null)
    }

    func testNotStrictJSONIsALocatedError() {
        XCTAssertThrowsError(try records("not_strict_trailing_comma.json")) { error in
            XCTAssertEqual(error as? JSONSyntaxError, JSONSyntaxError(line: 4, column: 1, message: "trailing comma in array"))
        }
        XCTAssertThrowsError(try records("error_page.json")) { error in
            XCTAssertEqual(error as? BitrixRESTDump.ErrorPage,
                           BitrixRESTDump.ErrorPage(line: 1, message: "QUERY_LIMIT_EXCEEDED: Too many requests"))
        }
    }

    func testStrictJSONCases() throws {
        let cases: [(String, String?)] = [
            ("[1, -0.5e+3, true, false, null, \"a\\u00e9\\ud83d\\ude00\\n\"]", nil),
            ("[01]", "line 1, column 3: leading zero in a number"),
            ("['a']", "line 1, column 2: unexpected character '''"),
            ("{\"a\" 1}", "line 1, column 6: expected ':' after a member name"),
            ("[\"\\x\"]", "line 1, column 5: invalid escape '\\x'"),
            ("[\"\\ud800\"]", "line 1, column 9: unpaired surrogate"),
            ("[NaN]", "line 1, column 2: unexpected character 'N'"),
            ("{\"a\":1,}", "line 1, column 8: trailing comma in object"),
            ("[\"a\u{01}\"]", "line 1, column 4: control character in a string"),
        ]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("json-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (text, expected) in cases {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let reader = try JSONStreamReader(path: path)
            do {
                let value = try reader.value()
                XCTAssertNil(expected, text)
                XCTAssertEqual(value, .array([.number("1"), .number("-0.5e+3"), .bool(true), .bool(false), .null,
                                              .string("aé😀\n")]))
            } catch let error as JSONSyntaxError {
                XCTAssertEqual(error.description, expected, text)
            }
        }
        // Invalid UTF-8 (a windows-1251 dump) is refused, not repaired.
        try Data([0x5B, 0x22, 0xCF, 0xF0, 0x22, 0x5D]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try JSONStreamReader(path: path).value()) {
            XCTAssertEqual(($0 as? JSONSyntaxError)?.message, "invalid UTF-8 in a string")
        }
    }
}
