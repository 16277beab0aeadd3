import Foundation
import XCTest

/// A file in another layout than the extractor's is one located finding that says how to read it,
/// not a reject per row with per-field reasons.
final class LayoutTests: XCTestCase {
    func testACdrCustomFileIsOneFindingAndTheReadmeMappingLoadsIt() throws {
        let project = try TestProject.asterisk("cdr_custom_19_columns.csv", "billsec_30_vs_31.csv")
        defer { project.remove() }
        let outcome = try project.run()
        XCTAssertEqual(outcome.stats.map(\.rowsRejected), [0])
        XCTAssertEqual(outcome.stats.first?.noData, [
            "input/pbx/cdr_custom_19_columns.csv cannot be read: input/pbx/cdr_custom_19_columns.csv:1: this file is Asterisk "
                + "cdr_custom (19 columns: caller ID first, the start in column 9), not cdr_csv: read it with `type: mapped_csv` "
                + "and the cdr_custom column mapping shown in the README",
        ])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["2"]])   // the cdr_csv file beside it loads
        // validate says it once.
        let (code, out, _) = try runProcess(salesopsBinary, ["validate", "--project", project.dir.path])
        XCTAssertEqual(code, 0)
        XCTAssertEqual(out.components(separatedBy: "this file is Asterisk cdr_custom").count, 2, out)

        // The mapping the README shows for cdr_custom reads the same file.
        let mapped = try TestProject(sources: [("custom", "mapped_csv", ["cdr_custom_19_columns.csv"], """
                format: {delimiter: ",", header: false, date_format: "yyyy-MM-dd HH:mm:ss"}
                columns: {started_at: 9, src: 2, dst: 3, duration: 12, billsec: 13, disposition: 14, call_id: 17, sequence: 19}
                values:
                  disposition: {ANSWERED: answered, NO ANSWER: no_answer, BUSY: busy, FAILED: failed, CONGESTION: failed}

            """)])
        defer { mapped.remove() }
        try mapped.run()
        XCTAssertEqual(try mapped.rows("SELECT call_id, direction, rep_id, client_phone, disposition, talk_secs FROM calls ORDER BY call_id"), [
            ["1762758000.1", "outbound", "r01", "+79161234567", "answered", "100"],
            ["1762761600.2", "inbound", "r01", "+74951113344", "missed", "0"],
        ])
    }

    func testASpreadsheetResaveIsOneFinding() throws {
        let project = try TestProject.asterisk("spreadsheet_resaved.csv")
        defer { project.remove() }
        let outcome = try project.run()
        XCTAssertEqual(outcome.stats.map(\.rowsRejected), [0])
        XCTAssertEqual(outcome.stats.first?.noData.count, 1)
        XCTAssertTrue(outcome.stats.first?.noData.first?.contains("re-saved by a spreadsheet (start '2026/11/10 10:00'") == true,
                      "\(outcome.stats.first?.noData ?? [])")
    }
}
