import Foundation
import XCTest

/// Calls as real Asterisk/FreePBX logs write them (SPEC "Calls"): queue members rung through `Local/`
/// channels, talk as the union of the answered intervals of legs that reach a person, answers by no
/// rep and by applications.
final class RealPBXShapeTests: XCTestCase {
    let callColumns = "SELECT call_id, direction, rep_id, client_phone, disposition, ring_secs, talk_secs, is_effective, legs FROM calls"

    func calls(_ fixtures: String...) throws -> (TestProject, [[String]]) {
        let project = try TestProject(sources: [("pbx", "asterisk_cdr", fixtures, "")])
        try project.run()
        return (project, try project.rows(callColumns + " ORDER BY started_at"))
    }

    func testAQueueCallWithOnlyTheMemberHalvesIsInboundToTheMemberWhoAnswered() throws {
        let (project, rows) = try calls("queue_four_members_local2_only.csv")
        defer { project.remove() }
        XCTAssertEqual(rows, [["1762758000.100", "inbound", "r02", "+79161112233", "answered", "20", "45", "1", "4"]])
        XCTAssertEqual(try project.rows("SELECT rep_id, calls_in, calls_in_effective, talk_secs, missed_in FROM rep_daily WHERE calls_in > 0"),
                       [["r02", "1", "1", "45", "0"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM missed_calls"), [["0"]])
    }

    func testAFreePBXExportOfTheSameQueueCallReadsTheSame() throws {
        let project = try TestProject(sources: [("spb", "freepbx_cdr", ["freepbx_queue_members_local2_only.csv"], "")])
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try project.rows(callColumns), [["1762758000.100", "inbound", "r02", "+79161112233", "answered", "20", "45", "1", "4"]])
    }

    func testTheFullLocalPairSetIsTheSameCallWithItsTalkCountedOnce() throws {
        let (project, rows) = try calls("queue_local1_and_local2.csv")
        defer { project.remove() }
        XCTAssertEqual(rows, [["1762758000.100", "inbound", "r02", "+79161112233", "answered", "20", "45", "1", "8"]])
    }

    func testAMemberWhoAnsweredAfter31Seconds() throws {
        let (project, rows) = try calls("queue_answered_after_31s.csv")
        defer { project.remove() }
        XCTAssertEqual(rows, [["1762758000.100", "inbound", "r02", "+79161112233", "answered", "31", "60", "1", "2"]])
    }

    func testAQueueCallNobodyAnsweredBelongsToTheFirstRungMemberAndFindsItsCallback() throws {
        let (project, rows) = try calls("queue_missed_then_callback.csv")
        defer { project.remove() }
        XCTAssertEqual(rows, [
            ["1762758000.100", "inbound", "r03", "+79161112233", "missed", "25", "0", "0", "3"],
            ["1762758600.200", "outbound", "r01", "+79161112233", "answered", "5", "60", "1", "1"],
        ])
        XCTAssertEqual(try project.rows("SELECT call_id, rep_id, callback_call_id, callback_mins, within_window FROM missed_calls"),
                       [["1762758000.100", "r03", "1762758600.200", "10", "1"]])
        XCTAssertEqual(try project.rows("SELECT rep_id, calls_in, missed_in, calls_out FROM rep_daily WHERE calls_in + calls_out > 0 ORDER BY rep_id"),
                       [["r01", "0", "0", "1"], ["r03", "1", "1", "0"]])
    }

    func testTalkIsTheConversationNotTheFirstAnsweredRow() throws {
        // Rows answered with billsec 0 reach rep 101 first; the trunk's row to 101 talks 79 s. Of the five
        // rows, the post-dial `h` row is filtered (Asterisk's hangup handler), the `Hangup` row of the
        // Local half stays a leg that reaches no one.
        let (project, rows) = try calls("timedelay_then_trunk_talk.csv")
        defer { project.remove() }
        XCTAssertEqual(rows, [["1762765200.300", "inbound", "r01", "+74951113344", "answered", "1", "79", "1", "4"]])
    }

    func testALocalPairWithTheSameBillsecCountsOnce() throws {
        let (project, rows) = try calls("local_pair_same_billsec.csv")
        defer { project.remove() }
        XCTAssertEqual(rows, [["1762768800.400", "inbound", "r01", "+74951113355", "answered", "10", "50", "1", "2"]])
    }

    func testAnAttendedTransferAddsItsLaterLeg() throws {
        let (project, rows) = try calls("attended_transfer.csv")
        defer { project.remove() }
        XCTAssertEqual(rows, [["1762772400.500", "inbound", "r01", "+74951113366", "answered", "5", "140", "1", "2"]])
    }

    func testACallAnsweredByAnotherPBXBelongsToNoRep() throws {
        // Rep 101's phone only rang: no answered call for r01.
        let (project, rows) = try calls("answered_by_branch_pbx.csv")
        defer { project.remove() }
        XCTAssertEqual(rows, [["1762776000.600", "inbound", "NULL", "+74951113377", "answered", "20", "60", "1", "2"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM rep_daily WHERE calls_in > 0"), [["0"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM missed_calls"), [["0"]])
        // Data quality lists it.
        try project.run(reports: true)
        let book = project.dir.appendingPathComponent("output/reports/2026-11-10/department.xlsx").path
        let script = """
            import sys, openpyxl
            rows = [[c.value for c in r] for r in openpyxl.load_workbook(sys.argv[1])["Data quality"].iter_rows()]
            at = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("Calls without a rep"))
            print(rows[at + 2][:4])
            """
        let (code, out, err) = try runProcess("/usr/bin/env", ["python3", "-c", script, book])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(out, "['pbx', 'inbound', 'answered', 1]\n")
    }

    func testACallAnsweredOnlyByVoicemailIsMissed() throws {
        let (project, rows) = try calls("voicemail_only.csv")
        defer { project.remove() }
        XCTAssertEqual(rows, [["1762779600.700", "inbound", "r01", "+74951113388", "missed", "45", "0", "0", "2"]])
        XCTAssertEqual(try project.rows("SELECT call_id, rep_id, callback_call_id FROM missed_calls"),
                       [["1762779600.700", "r01", "NULL"]])
        XCTAssertEqual(try project.rows("SELECT rep_id, calls_in, missed_in FROM rep_daily WHERE calls_in > 0"), [["r01", "1", "1"]])
    }
}
