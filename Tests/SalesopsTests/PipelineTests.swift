import SalesopsCore
import XCTest

/// The whole run in-process on small fixture files, read back with SQL.
final class CallPipelineTests: XCTestCase {
    func testRingGroupWithOneAnswerIsOneAnsweredCall() throws {
        let project = try TestProject.asterisk("ring_group_one_answer.csv")
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try project.rows("""
            SELECT call_id, started_at, local_date, direction, rep_id, client_phone, raw_number, disposition,
                   ring_secs, talk_secs, is_effective, legs, src_file, src_line FROM calls
            """), [["1762761600.10", "2026-11-10T08:00:00Z", "2026-11-10", "inbound", "r02", "+74951112233",
                    "84951112233", "answered", "12", "95", "1", "3", "input/pbx/ring_group_one_answer.csv", "1"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM missed_calls"), [["0"]])
        XCTAssertEqual(try project.rows("""
            SELECT rep_id, calls_out, calls_in, calls_out_effective, calls_in_effective, talk_secs, missed_in
            FROM rep_daily WHERE local_date = '2026-11-10' ORDER BY rep_id
            """), [["r01", "0", "0", "0", "0", "0", "0"], ["r02", "0", "1", "0", "1", "95", "0"],
                   ["r03", "0", "0", "0", "0", "0", "0"]])
    }

    func testFullyMissedInboundBelongsToTheRepThatRangFirst() throws {
        let project = try TestProject.asterisk("missed_inbound.csv")
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try project.rows("SELECT direction, rep_id, disposition, talk_secs, ring_secs, legs, client_phone FROM calls"),
                       [["inbound", "r03", "missed", "0", "30", "3", "+79167654321"]])
        XCTAssertEqual(try project.rows("""
            SELECT call_id, rep_id, client_phone, missed_at, callback_call_id, callback_mins, within_window FROM missed_calls
            """), [["1762765200.20", "r03", "+79167654321", "2026-11-10T09:00:00Z", "NULL", "NULL", "0"]])
        XCTAssertEqual(try project.rows("SELECT calls_in, missed_in FROM rep_daily WHERE rep_id = 'r03'"), [["1", "1"]])
    }

    func testCallbacksInsideAndOutsideTheWindow() throws {
        let project = try TestProject.asterisk("callback_window.csv")
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try project.rows("""
            SELECT call_id, client_phone, callback_call_id, callback_mins, within_window FROM missed_calls ORDER BY missed_at
            """), [
                ["1762758000.1", "+79160000001", "1762760700.2", "45", "1"],
                ["1762765200.3", "+79160000002", "1762769700.4", "75", "0"],
                ["1762772400.5", "+79160000003", "1762776000.6", "60", "1"],
            ])
    }

    func testTheCallbackWindowIsComparedInSeconds() throws {
        // Callbacks 3,600 s (in time: inclusive), 3,601 s and 3,640 s (60 min 40 s: late) after the miss.
        let project = try TestProject.asterisk("callback_window_edges.csv")
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try project.rows("""
            SELECT call_id, callback_call_id, callback_mins, within_window FROM missed_calls ORDER BY missed_at
            """), [
                ["1762758000.11", "1762761600.12", "60", "1"],
                ["1762765200.13", "1762768801.14", "60", "0"],
                ["1762772400.15", "1762776040.16", "60", "0"],
            ])
        XCTAssertEqual(try project.rows("SELECT missed, missed_without_callback FROM (SELECT COUNT(*) AS missed, SUM(within_window = 0) AS missed_without_callback FROM missed_calls)"),
                       [["3", "2"]])
    }

    func testInternalCallCountsInNeitherDirection() throws {
        let project = try TestProject.asterisk("internal_call.csv")
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try project.rows("SELECT direction, rep_id, client_phone, is_effective FROM calls"),
                       [["internal", "r01", "NULL", "1"]])
        XCTAssertEqual(try project.rows("SELECT SUM(calls_out + calls_in + talk_secs) FROM rep_daily"), [["0"]])
    }

    func testCallAcrossLocalMidnightIsDatedByItsStart() throws {
        let project = try TestProject.asterisk("call_across_midnight.csv")
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try project.rows("SELECT started_at, local_date, talk_secs, is_effective FROM calls"),
                       [["2026-11-10T20:58:30Z", "2026-11-10", "300", "1"]])
        XCTAssertEqual(try project.rows("SELECT local_date, calls_out FROM rep_daily WHERE rep_id = 'r03' AND calls_out > 0"),
                       [["2026-11-10", "1"]])
    }

    func testBillsecThirtyIsNotEffectiveButThirtyOneIs() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try project.rows("SELECT client_phone, talk_secs, is_effective FROM calls ORDER BY started_at"),
                       [["+79165550030", "30", "0"], ["+79165550031", "31", "1"]])
        XCTAssertEqual(try project.rows("SELECT calls_out, calls_out_effective FROM rep_daily WHERE rep_id = 'r01'"),
                       [["2", "1"]])
    }

    func testSixteenColumnRowsGroupByChannelAndStart() throws {
        let project = try TestProject.asterisk("cdr_csv_16_columns.csv")
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try project.rows("SELECT call_id, direction, rep_id, client_phone, talk_secs FROM calls"),
                       [["SIP/101-00000001@1794294000", "outbound", "r01", "+79161234567", "100"]])
    }

    func testMalformedRowsLandInRejectsAndTheAccountingBalances() throws {
        let project = try TestProject.asterisk("malformed_rows.csv")
        defer { project.remove() }
        let outcome = try project.run()
        XCTAssertEqual(outcome.stats.map(\.rowsRead), [6])
        XCTAssertEqual(try project.rows("SELECT src_file, src_line, reason FROM rejects ORDER BY src_line"), [
            ["input/pbx/malformed_rows.csv", "2", "wrong column count 15 (cdr_csv has 16 to 21)"],
            ["input/pbx/malformed_rows.csv", "3", "bad start timestamp '2026-11-31 18:00:00'"],
            ["input/pbx/malformed_rows.csv", "4", "negative duration (-10) or billsec (0)"],
        ])
        XCTAssertEqual(try project.rows("""
            SELECT source, rows_read, rows_loaded, rows_filtered, rows_rejected FROM etl_sources
            """), [["pbx", "6", "2", "1", "3"]])
        XCTAssertEqual(try project.rows("SELECT reason, rows FROM etl_filtered"), [["hangup_extension", "1"]])
        XCTAssertEqual(try project.rows("""
            SELECT status, rows_read = rows_loaded + rows_filtered + rows_rejected FROM etl_runs
            """), [["ok", "1"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["2"]])
    }

    func testFreePBXQueueCallAndSipuniExportLoadTogether() throws {
        let sipuni = """
                time_zone: Asia/Yekaterinburg
                format: {delimiter: ";", encoding: windows-1251, header: true, date_format: "dd.MM.yyyy HH:mm:ss"}
                columns: {call_id: ID записи, started_at: Время, direction: Тип, disposition: Статус, src: Откуда,
                          dst: Куда, answered_by: Кто ответил, duration: "Длительность звонка, сек",
                          billsec: "Длительность разговора, сек"}
                values:
                  direction: {входящий: inbound, исходящий: outbound}
                  disposition: {отвечен: answered, не отвечен: no_answer}

            """
        let project = try TestProject(sources: [
            ("spb", "freepbx_cdr", ["freepbx_header.csv"], ""),
            ("regions", "mapped_csv", ["sipuni_cp1251.csv"], sipuni),
        ])
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try project.rows("""
            SELECT source, direction, rep_id, client_phone, disposition, talk_secs, legs FROM calls ORDER BY started_at, source
            """), [
                // 12:00, 12:30, 12:40 in Yekaterinburg (UTC+5) come before 11:00, 11:30 in Moscow (UTC+3).
                ["regions", "outbound", "r01", "+79161234567", "answered", "45", "1"],
                ["regions", "inbound", "NULL", "+79161234568", "missed", "0", "1"],
                ["regions", "inbound", "r02", "+79161234568", "answered", "90", "1"],
                ["spb", "inbound", "r01", "+74951113344", "answered", "70", "2"],
                ["spb", "outbound", "r03", "+79031112233", "answered", "40", "1"],
            ])
        XCTAssertEqual(try project.rows("SELECT client_phone, callback_mins, within_window FROM missed_calls"),
                       [["+79161234568", "10", "1"]])
    }

    func testSecondRunChangesNoRow() throws {
        let project = try TestProject.asterisk("ring_group_one_answer.csv", "callback_window.csv", "malformed_rows.csv")
        defer { project.remove() }
        try project.run()
        let tables = ["calls", "call_legs", "missed_calls", "rep_daily", "rejects", "etl_files", "reps", "calendar", "norm_rules",
                      "rep_daily_calls", "rep_period", "alerts", "models"]
        func snapshot() throws -> [[[String]]] { try tables.map { try project.rows("SELECT * FROM \($0) ORDER BY 1, 2") } }
        let before = try snapshot()
        let second = try project.run()
        XCTAssertEqual(second.stats.map(\.filesSkipped), [3])
        XCTAssertEqual(second.stats.map(\.rowsRead), [0])
        XCTAssertEqual(try snapshot(), before)
        XCTAssertEqual(try project.rows("SELECT run_id, status, files_read, files_skipped FROM etl_runs"),
                       [["1", "ok", "3", "0"], ["2", "ok", "0", "3"]])
    }

    func append(_ text: String, to file: URL) throws {
        let handle = try FileHandle(forWritingTo: file)
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    func testGrownMasterCsvIsReadOnFromWhereTheLastRunStopped() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        try project.run()
        // The PBX appends a row: only the new line is read, with its real line number.
        let file = project.dir.appendingPathComponent("input/pbx/billsec_30_vs_31.csv")
        try append(Fixtures.telephonyText("unanswered_row.csv"), to: file)
        let second = try project.run()
        XCTAssertEqual(second.stats.map(\.rowsRead), [1])
        XCTAssertEqual(try project.rows("SELECT COUNT(*), SUM(is_effective) FROM calls"), [["3", "1"]])
        XCTAssertEqual(try project.rows("SELECT src_line, run_id FROM call_legs ORDER BY src_line"),
                       [["1", "1"], ["2", "1"], ["3", "2"]])
        XCTAssertEqual(try project.rows("SELECT rep_id, calls_out FROM rep_daily WHERE calls_out > 0 ORDER BY rep_id"),
                       [["r01", "2"], ["r02", "1"]])
        XCTAssertEqual(try project.rows("SELECT rows, resume_line FROM etl_files ORDER BY run_id"), [["2", "3"], ["1", "4"]])
    }

    /// A callback the PBX logs a night after the miss: the next run rebuilds the missed calls of the
    /// numbers it wrote calls for, so the earlier miss gets its callback; another number's miss stays.
    func testACallbackLoggedTheNextNightClosesTheEarlierMiss() throws {
        let project = try TestProject.asterisk("callback_window.csv")
        defer { project.remove() }
        let file = project.dir.appendingPathComponent("input/pbx/callback_window.csv")
        let lines = try Fixtures.telephonyText("callback_window.csv").split(separator: "\n").map { $0 + "\n" }
        try (lines[0] + lines[2]).write(to: file, atomically: false, encoding: .utf8)   // two misses
        try project.run()
        let misses = "SELECT call_id, client_phone, callback_call_id, callback_mins, within_window FROM missed_calls ORDER BY missed_at"
        XCTAssertEqual(try project.rows(misses), [["1762758000.1", "+79160000001", "NULL", "NULL", "0"],
                                                  ["1762765200.3", "+79160000002", "NULL", "NULL", "0"]])
        try append(String(lines[1]), to: file)                                           // the first one's callback
        let second = try project.run()
        XCTAssertEqual(second.stats.map(\.rowsRead), [1])
        XCTAssertEqual(try project.rows(misses), [["1762758000.1", "+79160000001", "1762760700.2", "45", "1"],
                                                  ["1762765200.3", "+79160000002", "NULL", "NULL", "0"]])
    }

    func testALineStillBeingWrittenIsReadAgainOnceComplete() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        let file = project.dir.appendingPathComponent("input/pbx/billsec_30_vs_31.csv")
        let row = try Fixtures.telephonyText("unanswered_row.csv")
        let cut = row.index(row.startIndex, offsetBy: 60)
        try append(String(row[..<cut]), to: file)          // the PBX is mid-write: no final LF
        let first = try project.run()
        // Held, not rejected: not counted, noted for the file.
        XCTAssertEqual(first.stats.map(\.rowsRead), [2])
        XCTAssertEqual(first.stats.map(\.rowsRejected), [0])
        XCTAssertEqual(try project.rows("SELECT message FROM etl_notes"),
                       [["line 3 has no line end yet and does not parse: held until it is complete"]])
        try append(String(row[cut...]), to: file)          // the line is complete now
        let second = try project.run()
        XCTAssertEqual(second.stats.map(\.rowsRead), [1])
        XCTAssertEqual(second.stats.map(\.rowsLoaded), [1])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["3"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM rejects"), [["0"]])
    }

    func testRotatedLogWithTheSameContentIsNotReadAgain() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        try project.run()
        let folder = project.dir.appendingPathComponent("input/pbx")
        try FileManager.default.moveItem(at: folder.appendingPathComponent("billsec_30_vs_31.csv"),
                                         to: folder.appendingPathComponent("billsec_30_vs_31-20261111.csv"))
        let second = try project.run()
        XCTAssertEqual(second.stats.map(\.filesSkipped), [1])
        XCTAssertEqual(second.stats.map(\.rowsRead), [0])
    }

    func testACallWhoseLegsSpanTwoRunsIsRegrouped() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        let file = project.dir.appendingPathComponent("input/pbx/billsec_30_vs_31.csv")
        let legs = try Fixtures.telephonyText("ring_group_one_answer.csv")
            .split(separator: "\n").map(String.init)
        try append(legs[0] + "\n" + legs[2] + "\n", to: file)     // two phones rang, nobody answered yet
        try project.run()
        XCTAssertEqual(try project.rows("SELECT disposition, legs, rep_id FROM calls WHERE call_id = '1762761600.10'"),
                       [["missed", "2", "r01"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM missed_calls"), [["1"]])
        try append(legs[1] + "\n", to: file)                        // the answering leg is written later
        try project.run()
        XCTAssertEqual(try project.rows("SELECT disposition, legs, rep_id, talk_secs FROM calls WHERE call_id = '1762761600.10'"),
                       [["answered", "3", "r02", "95"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM missed_calls"), [["0"]])
        XCTAssertEqual(try project.rows("SELECT rep_id, calls_in, missed_in FROM rep_daily WHERE calls_in > 0"),
                       [["r02", "1", "0"]])
    }

    func testRotatedLogKeepsItsRowsWhenANewLogStarts() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        try project.run()
        let folder = project.dir.appendingPathComponent("input/pbx")
        try FileManager.default.moveItem(at: folder.appendingPathComponent("billsec_30_vs_31.csv"),
                                         to: folder.appendingPathComponent("billsec_30_vs_31-1.csv"))
        try FileManager.default.copyItem(atPath: Fixtures.telephony("unanswered_row.csv"),
                                         toPath: folder.appendingPathComponent("billsec_30_vs_31.csv").path)
        let second = try project.run()
        XCTAssertEqual(second.stats.map(\.rowsRead), [1])
        XCTAssertEqual(second.stats.map(\.filesSkipped), [1])
        XCTAssertEqual(try project.rows("SELECT src_file, src_line FROM call_legs ORDER BY src_file, src_line"), [
            ["input/pbx/billsec_30_vs_31-1.csv", "1"], ["input/pbx/billsec_30_vs_31-1.csv", "2"],
            ["input/pbx/billsec_30_vs_31.csv", "1"],
        ])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["3"]])
    }

    func testACallWithLegsInTwoFilesFollowsRotationAndKeepsItsLegsWhenRewritten() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        let folder = project.dir.appendingPathComponent("input/pbx")
        let legs = try Fixtures.telephonyText("ring_group_one_answer.csv").split(separator: "\n").map(String.init)
        try (legs[0] + "\n").write(to: folder.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try (legs[1] + "\n" + legs[2] + "\n").write(to: folder.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        let legsOfTheCall = "SELECT src_file, src_line, disposition FROM call_legs WHERE call_id = '1762761600.10' ORDER BY src_file, src_line"
        try project.run()
        XCTAssertEqual(try project.rows("SELECT legs, disposition, rep_id, src_file FROM calls WHERE call_id = '1762761600.10'"),
                       [["3", "answered", "r02", "input/pbx/a.csv"]])
        XCTAssertEqual(try project.rows(legsOfTheCall), [
            ["input/pbx/a.csv", "1", "no_answer"], ["input/pbx/b.csv", "1", "answered"], ["input/pbx/b.csv", "2", "no_answer"],
        ])

        // b.csv is rotated to b-1.csv and a new b.csv starts: the legs named by file follow it.
        try FileManager.default.moveItem(at: folder.appendingPathComponent("b.csv"), to: folder.appendingPathComponent("b-1.csv"))
        try FileManager.default.copyItem(atPath: Fixtures.telephony("unanswered_row.csv"),
                                         toPath: folder.appendingPathComponent("b.csv").path)
        try project.run()
        XCTAssertEqual(try project.rows(legsOfTheCall), [
            ["input/pbx/a.csv", "1", "no_answer"], ["input/pbx/b-1.csv", "1", "answered"], ["input/pbx/b-1.csv", "2", "no_answer"],
        ])

        // b-1.csv is rewritten without the answered leg: what was loaded is history, so the answered leg
        // stays, and the unanswered one read again (now at line 1) is the same CDR row, counted once.
        try (legs[2] + "\n").write(to: folder.appendingPathComponent("b-1.csv"), atomically: true, encoding: .utf8)
        try project.run()
        XCTAssertEqual(try project.rows(legsOfTheCall), [
            ["input/pbx/a.csv", "1", "no_answer"], ["input/pbx/b-1.csv", "1", "answered"], ["input/pbx/b-1.csv", "2", "no_answer"],
        ])
        XCTAssertEqual(try project.rows("SELECT legs, disposition, rep_id FROM calls WHERE call_id = '1762761600.10'"),
                       [["3", "answered", "r02"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM missed_calls"), [["0"]])
    }

    func testOverlappingExportsCountEachCallOnce() throws {
        // A FreePBX CDR download of "this month" every night: each file repeats the earlier rows.
        let project = try TestProject(sources: [("spb", "freepbx_cdr", ["freepbx_header.csv"], "")])
        defer { project.remove() }
        try project.run()
        let folder = project.dir.appendingPathComponent("input/spb")
        var text = try String(contentsOf: folder.appendingPathComponent("freepbx_header.csv"), encoding: .utf8)
        text += "\"2026-11-10 12:00:00\",\"\"\"103\"\" <103>\",103,89031112299,from-internal,PJSIP/103-0000001f,"
            + "PJSIP/trunk-00000020,Dial,,30,25,ANSWERED,3,,1762765200.28,,,103,,,,,,1762765200.28,,280\n"
        try text.write(to: folder.appendingPathComponent("freepbx_header_next.csv"), atomically: true, encoding: .utf8)
        let second = try project.run()
        XCTAssertEqual(second.stats.map(\.rowsRead), [4])
        XCTAssertEqual(try project.rows("SELECT call_id, legs, talk_secs FROM calls ORDER BY started_at"), [
            ["1762761600.26", "2", "70"], ["1762763400.27", "1", "40"], ["1762765200.28", "1", "25"],
        ])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM call_legs"), [["4"]])
        XCTAssertEqual(try project.rows("SELECT rep_id, calls_in, calls_out FROM rep_daily WHERE calls_in + calls_out > 0 ORDER BY rep_id"),
                       [["r01", "1", "0"], ["r03", "0", "2"]])
    }

    func testRewrittenFileIsReadWholeWithoutDuplicates() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        try project.run()
        // A changed first line: not an append, so the file is read whole; rows upsert on their keys.
        let file = project.dir.appendingPathComponent("input/pbx/billsec_30_vs_31.csv")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"DOCUMENTATION\"", with: "\"BILLING\"")
        text += try Fixtures.telephonyText("unanswered_row.csv")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let second = try project.run()
        XCTAssertEqual(second.stats.map(\.rowsRead), [3])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM call_legs"), [["3"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*), SUM(is_effective) FROM calls"), [["3", "1"]])
    }

    func testTimeZoneFindingIsRecordedForTheRun() throws {
        let project = try TestProject.asterisk("usegmtime_utc_timestamps.csv")
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try project.rows("SELECT run_id, source, src_file FROM etl_notes"),
                       [["1", "pbx", "input/pbx/usegmtime_utc_timestamps.csv"]])
    }

    func testDryRunLeavesTheWarehouseAsItWas() throws {
        let project = try TestProject.asterisk("ring_group_one_answer.csv")
        defer { project.remove() }
        try project.run()
        try FileManager.default.copyItem(atPath: Fixtures.telephony("callback_window.csv"),
                                         toPath: project.dir.appendingPathComponent("input/pbx/callback_window.csv").path)
        let (code, out, err) = try runProcess(salesopsBinary, ["run", "--dry-run", "--project", project.dir.path,
                                                               "--as-of", "2026-11-10"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("calls (re)built: 6"), out)
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["1"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM etl_runs"), [["1"]])
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.dir.appendingPathComponent("output/reports").path))
    }

    func testWarehouseHonoursTheAnalystContract() throws {
        let project = try TestProject.asterisk("ring_group_one_answer.csv")
        defer { project.remove() }
        try project.run()
        let checker = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/tools/check_warehouse.py").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: checker), "shared/tools not beside the repository")
        let (code, out, _) = try runProcess("/usr/bin/env", ["python3", checker, project.warehouse,
                                                            "reps,calls,missed_calls,emails,leads,deals,deal_stage_history,activities,tasks,payments,"
                                                            + "rep_daily,funnel,stage_violations,stuck_deals,alerts,rep_period,etl_runs,etl_files,rejects"])
        XCTAssertEqual(code, 0, out)
    }
}
