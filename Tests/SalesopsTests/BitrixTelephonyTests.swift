import Foundation
import XCTest

/// Bitrix24's own telephony: `voximplant.statistic.get` dumps, one record per call.
final class BitrixTelephonyTests: XCTestCase {
    func project(extra: String = "") throws -> TestProject {
        try TestProject(sources: [("b24", "bitrix24_rest_telephony", [], "    method: voximplant.statistic.get\n" + extra)])
    }

    func load(_ project: TestProject) throws -> [[String]] {
        try FileManager.default.copyItem(atPath: Fixtures.telephony("voximplant_statistic_page.json"),
                                         toPath: project.dir.appendingPathComponent("input/b24/page1.json").path)
        try project.run()
        return try project.rows("""
            SELECT call_id, direction, rep_id, client_phone, disposition, talk_secs, is_effective FROM calls ORDER BY started_at
            """)
    }

    func testTypesCodesRepsAndNumbers() throws {
        let project = try project()
        defer { project.remove() }
        XCTAssertEqual(try load(project), [
            ["b24:0C16D7A0.1762761600.1", "outbound", "r01", "+79161234501", "answered", "95", "1"],
            ["b24:0C16D7A0.1762765200.2", "inbound", "r02", "+79161234502", "missed", "0", "0"],
            ["b24:0C16D7A0.1762768800.3", "inbound", "r02", "+79161234503", "missed", "0", "0"],   // 603 declined, inbound
            ["b24:0C16D7A0.1762772400.4", "outbound", "r01", "+79161234504", "busy", "0", "0"],    // a callback
            ["b24:0C16D7A0.1762779600.7", "outbound", "r01", "+79161234507", "failed", "0", "0"],  // 603-S, outbound
        ])
        XCTAssertEqual(try project.rows("SELECT reason, rows FROM etl_filtered ORDER BY reason"), [
            ["informational call", "1"], ["registered by an integrated PBX (read from its own log)", "1"],
        ])
        XCTAssertEqual(try project.rows("SELECT src_line, substr(reason, 1, 28) FROM rejects"), [["9", "CALL_START_DATE is not a dat"]])
        XCTAssertEqual(try project.rows("SELECT rows_read, rows_loaded, rows_filtered, rows_rejected FROM etl_sources"),
                       [["8", "5", "2", "1"]])
        XCTAssertEqual(try project.rows("SELECT call_id, rep_id FROM missed_calls ORDER BY missed_at"),
                       [["b24:0C16D7A0.1762765200.2", "r02"], ["b24:0C16D7A0.1762768800.3", "r02"]])
    }

    func testAnIntegratedPBXsCallsAreKeptWhenThePipelineDoesNotReadItsLog() throws {
        let project = try project(extra: "    external_calls: keep\n")
        defer { project.remove() }
        let rows = try load(project)
        XCTAssertEqual(rows.count, 6)
        XCTAssertTrue(rows.contains(["b24:externalCall.9c3b2a1f.1762776000", "outbound", "r01", "+79161234506", "answered", "61", "1"]))
    }
}
