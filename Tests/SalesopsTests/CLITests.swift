import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SalesopsSQLite
import XCTest

/// Runs the real `salesops` executable and reads the warehouse back with SQL and the workbook back
/// with openpyxl.
final class CLITests: XCTestCase {
    struct Sheet: Decodable {
        var title: String
        var freeze: String?
        var filter: String?
        var charts: Int
        var rows: [[Cell]]
    }

    struct Cell: Decodable, Equatable {
        var type: String
        var text: String?
        var number: Double?

        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            type = try c.decode(String.self)
            if type == "n" { number = try c.decode(Double.self) } else { text = try? c.decode(String.self) }
        }
    }

    func dump(_ path: String) throws -> [Sheet] {
        let tool = Fixtures.root.deletingLastPathComponent().appendingPathComponent("tools/dump_xlsx.py").path
        let (code, out, err) = try runProcess("/usr/bin/env", ["python3", tool, path])
        XCTAssertEqual(code, 0, err)
        struct Book: Decodable { var sheets: [Sheet] }
        return try JSONDecoder().decode(Book.self, from: Data(out.utf8)).sheets
    }

    func testRunOnFixturesThenCheckWarehouseAndWorkbook() throws {
        let project = try TestProject.asterisk("ring_group_one_answer.csv", "callback_window.csv", "malformed_rows.csv",
                                               "billsec_30_vs_31.csv")
        defer { project.remove() }
        let (code, out, err) = try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-10"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("salesops run 1 as of 2026-11-10"), out)
        XCTAssertTrue(err.contains("input/pbx/malformed_rows.csv:3"), err)

        XCTAssertEqual(try project.rows("""
            SELECT rep_id, calls_out, calls_in, calls_out_effective, calls_in_effective, talk_secs, missed_in
            FROM rep_daily WHERE local_date = '2026-11-10' ORDER BY rep_id
            """), [
                ["r01", "5", "3", "4", "0", "241", "3"],
                ["r02", "1", "1", "0", "1", "95", "0"],
                ["r03", "0", "1", "0", "1", "120", "0"],
            ])
        XCTAssertEqual(try project.rows("SELECT SUM(rows_read), SUM(rows_loaded), SUM(rows_filtered), SUM(rows_rejected) FROM etl_sources"),
                       [["17", "13", "1", "3"]])

        let book = project.dir.appendingPathComponent("output/reports/2026-11-10/department.xlsx").path
        let sheets = try dump(book)
        XCTAssertEqual(sheets.map(\.title), ["Summary", "Activity", "Missed calls", "Data quality", "Definitions"])
        let summary = sheets[0]
        XCTAssertEqual(summary.freeze, "C4")
        XCTAssertEqual(summary.filter, "A3:X6")   // the reps, not the total row
        let anna = summary.rows[3]
        XCTAssertEqual(anna[0].text, "r01")
        XCTAssertEqual(anna[1].text, "Anna")
        XCTAssertEqual(anna[3...8].map(\.number), [5, 3, 4, 241.0 / 60, 3, 2])
        XCTAssertEqual(anna[9].number, 2)
        let total = summary.rows[6]
        XCTAssertEqual(total[1].text, "Department total")
        XCTAssertEqual(total[3...8].map(\.number), [6, 5, 6, 456.0 / 60, 3, 6])
        XCTAssertEqual(total[9].number, 1)

        let activity = sheets[1]
        XCTAssertEqual(activity.charts, 1)
        XCTAssertEqual(activity.rows[3][0].type, "d")
        XCTAssertEqual(activity.rows[3][0].text, "2026-11-10T00:00:00")
        XCTAssertEqual(activity.rows[3][1].text, "10.11 Tue")
        XCTAssertEqual(activity.rows[3][2...4].map(\.number), [4, 1, 1])

        let missed = sheets[2]
        XCTAssertEqual(missed.rows.count, 6)
        XCTAssertEqual(missed.rows[3][0].text, "2026-11-10T10:00:00")
        XCTAssertEqual(missed.rows[3][3].type, "s")
        XCTAssertEqual(missed.rows[3][3].text, "+79160000001")
        XCTAssertEqual(missed.rows[3...5].map { $0[6].number }, [45, 75, 60])
        XCTAssertEqual(missed.rows[3...5].map { $0[7].text }, ["yes", "no", "yes"])

        let quality = sheets[3]
        XCTAssertEqual(quality.rows[3].map { $0.number ?? -1 }.dropFirst(), [4, 17, 13, 1, 3])   // files, read, loaded, filtered, rejected
        let rejects = quality.rows.filter { $0.count > 2 && $0[1].text == "input/pbx/malformed_rows.csv" }
        XCTAssertEqual(rejects.map { $0[2].number }, [2, 3, 4])

        // The same as-of on the same inputs gives the same workbook content.
        let (again, _, againErr) = try runProcess(salesopsBinary, ["report", "--project", project.dir.path, "--as-of", "2026-11-10"])
        XCTAssertEqual(again, 0, againErr)
        XCTAssertEqual(try dump(book).map(\.rows), sheets.map(\.rows))
    }

    func testRunOnCallsAndMailThenCheckWarehouseAndWorkbook() throws {
        let project = try TestProject(sources: [
            ("pbx", "asterisk_cdr", ["billsec_30_vs_31.csv"], ""),
            ("mailboxes", "mbox", ["sent_mboxrd.mbox", "takeout_crlf.mbox", "thunderbird_deleted.mbox"], ""),
            ("eml", "eml", ["eml/no_message_id.eml", "eml/forwarded_rfc822.eml"], ""),
        ])
        defer { project.remove() }
        let (code, out, err) = try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-10"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("new emails: 6"), out)
        XCTAssertTrue(out.contains("emails out 1, proposals 1"), out)
        // The fixtures' truth: r01 sent the proposal on the 10th (also in the archive: counted once), r02 a
        // plain mail on the 11th, r03 one on the 12th (its deleted draft not counted), r01 one without a
        // Message-ID on the 17th; the forwarded offer came from a company address that is no rep's.
        XCTAssertEqual(try project.rows("""
            SELECT rep_id, local_date, emails_out, proposals FROM rep_daily WHERE emails_out > 0 ORDER BY local_date, rep_id
            """), [
            ["r01", "2026-11-10", "1", "1"], ["r02", "2026-11-11", "1", "0"], ["r03", "2026-11-12", "1", "0"],
            ["r01", "2026-11-17", "1", "0"],
        ])
        let sheets = try dump(project.dir.appendingPathComponent("output/reports/2026-11-10/department.xlsx").path)
        let summary = sheets[0]
        XCTAssertEqual(summary.rows[2][16...19].map(\.text), ["Emails out", "Proposals", "Emails out, MTD", "Proposals, MTD"])
        XCTAssertEqual(summary.rows[3][0].text, "r01")
        XCTAssertEqual(summary.rows[3][16...19].map(\.number), [1, 1, 1, 1])
        let emails = sheets[3]
        XCTAssertEqual(emails.title, "Emails")
        XCTAssertEqual(emails.rows.count, 5)   // title, blank, header, the proposal and Petrov's reply
        XCTAssertEqual(emails.rows[3].map(\.text).prefix(9), [
            "2026-11-10T12:15:00", "r01", "Anna", "outbound", "petrov@client.ru", "Коммерческое предложение", nil,
            "КП_ООО_Ромашка.pdf", "yes",
        ])
        XCTAssertEqual(emails.rows[4][3].text, "inbound")
    }

    func testCRMSheetsOfTheWorkbook() throws {
        func rest(_ name: String, _ file: String, _ method: String) -> (String, String, [String], String) {
            (name, "bitrix24_rest", ["quality/\(file)"], "    method: \(method)\n")
        }
        let project = try TestProject(sources: [
            ("pbx", "asterisk_cdr", ["lead_first_call.csv"], ""),
            rest("leads", "leads.json", "crm.lead.list"), rest("deals", "deals.json", "crm.deal.list"),
            rest("history", "history.json", "crm.stagehistory.list"), rest("activities", "activities.json", "crm.activity.list"),
            rest("tasks", "tasks.json", "tasks.task.list"),
        ])
        defer { project.remove() }
        let (code, _, err) = try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-20"])
        XCTAssertEqual(code, 0, err)
        let sheets = try dump(project.dir.appendingPathComponent("output/reports/2026-11-20/department.xlsx").path)
        XCTAssertEqual(sheets.map(\.title), ["Summary", "Activity", "Funnel", "Lead SLA", "Missed calls", "Stage violations",
                                             "Stuck deals", "Overdue tasks", "Data quality", "Definitions"])
        let funnel = sheets[2]
        XCTAssertEqual(funnel.charts, 1)
        XCTAssertEqual(funnel.rows[3...7].map { $0[1].text }, ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "WON"])
        XCTAssertEqual(funnel.rows[3...7].map { $0[2].number }, [6, 5, 3, 3, 2])
        XCTAssertEqual(funnel.rows[3][3].number, 5.0 / 6)
        XCTAssertEqual(funnel.rows[3][4...5].map(\.number), [4, 2])   // Anna, Boris
        let sla = sheets[3]
        XCTAssertEqual(sla.rows.count, 3 + 8)   // the eight leads, all created in the Activity window
        XCTAssertEqual(sla.rows[3][1].text, "L4")   // created first, at 09:00
        XCTAssertEqual(sla.rows[3][10].text, "yes")
        XCTAssertEqual(sheets[5].rows[3...].map { $0[1].text }, ["D6", "D2", "D2", "D3"])   // newest entry first
        XCTAssertEqual(sheets[6].rows[3...].map { $0[0].text }, ["D3", "D5"])
        XCTAssertEqual(sheets[7].rows[3...].map { $0[0].text }, ["T3", "T1"])
        let summary = sheets[0]
        XCTAssertEqual(summary.rows[2][20...23].map(\.text), ["Meetings", "New leads", "Deals won, MTD", "Revenue won, MTD"])
        XCTAssertEqual(summary.rows[3][22...23].map(\.number), [2, 70000.5])   // r01
    }

    /// The shipped demo end to end, checked against values worked out from how `scripts/gen_demo.py`
    /// builds it (see the comments).
    func testDemoEndToEnd() throws {
        let repo = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for sub in ["config", "pipelines", "input"] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: repo.appendingPathComponent(sub), to: dir.appendingPathComponent(sub))
        }
        // validate reads like run: the UI export's names come from the status dump read before it.
        let (checked, report, checkErr) = try runProcess(salesopsBinary, ["validate", "--project", dir.path])
        XCTAssertEqual(checked, 0, checkErr)
        XCTAssertTrue(report.contains("crm_tenders_ui: 1 files, 5 rows: 4 would load, 1 filtered, 0 rejected"), report)
        let (code, out, err) = try runProcess(salesopsBinary, ["run", "--project", dir.path, "--as-of", "2026-11-20"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("calls out 166, in 27, effective 102 (norm 92), missed 5 (3 not called back in time)"), out)
        let db = try SQLiteDatabase(path: dir.appendingPathComponent("output/warehouse.sqlite").path, readOnly: true)
        defer { db.close() }
        func rows(_ sql: String) throws -> [[String]] {
            try db.query(sql).map { $0.map { $0.string ?? $0.int.map(String.init) ?? $0.double.map { String($0) } ?? "NULL" } }
        }
        // The Moscow office's real PBX shapes of 2026-11-19: queue calls through Local/ member channels
        // (;2 rows only, and the ;1 + ;2 set), a queue call nobody answered and its callback, a call
        // only voicemail answered, an attended transfer.
        XCTAssertEqual(try rows("""
            SELECT direction, rep_id, client_phone, disposition, ring_secs, talk_secs, legs FROM calls
            WHERE client_phone LIKE '+7495777000%' ORDER BY started_at
            """), [
            ["inbound", "r02", "+74957770001", "answered", "12", "75", "3"],
            ["inbound", "r03", "+74957770002", "answered", "8", "140", "4"],
            ["inbound", "r02", "+74957770003", "missed", "25", "0", "3"],
            ["outbound", "r01", "+74957770003", "answered", "7", "95", "1"],
            ["inbound", "r03", "+74957770004", "missed", "45", "0", "2"],
            ["inbound", "r01", "+74957770005", "answered", "6", "140", "2"],
        ])
        XCTAssertEqual(try rows("SELECT rep_id, callback_mins, within_window FROM missed_calls WHERE client_phone LIKE '+7495777000%' ORDER BY missed_at"),
                       [["r02", "10", "1"], ["r03", "NULL", "0"]])
        // Names, not codes: stages and lead statuses and sources as the CRM (or the funnel) names them.
        let sheets = try dump(dir.appendingPathComponent("output/reports/2026-11-20/department.xlsx").path)
        let stuck = try XCTUnwrap(sheets.first { $0.title == "Зависшие сделки" })
        XCTAssertEqual(stuck.rows[3][4].text, "Подготовка документов")
        let sla = try XCTUnwrap(sheets.first { $0.title == "Скорость реакции" })
        XCTAssertEqual(sla.rows[3][5].text, "Веб-сайт")
        XCTAssertEqual(sla.rows[3][6].text, "Не обработан")
        // The Kazan office on Bitrix24's own telephony: its calls load by CRM user id; informational
        // calls and the Moscow PBX's calls it registered are filtered, counted.
        XCTAssertEqual(try rows("SELECT reason, rows FROM etl_filtered WHERE source = 'kazan_bitrix24' ORDER BY reason"), [
            ["informational call", "10"], ["registered by an integrated PBX (read from its own log)", "10"],
        ])
        XCTAssertEqual(try rows("SELECT COUNT(*), COUNT(DISTINCT rep_id), MIN(rep_id) FROM calls WHERE source = 'kazan_bitrix24'"),
                       [["70", "1", "r08"]])
        // Every run balances; the accounting of the CRM sources.
        XCTAssertEqual(try rows("SELECT COUNT(*) FROM etl_sources WHERE rows_read != rows_loaded + rows_filtered + rows_rejected"), [["0"]])
        // 7 leads a business day for 10 days: 3 contacted by call, 2 by mail, 1 by a CRM call, 1 never.
        XCTAssertEqual(try rows("SELECT COUNT(*) FROM leads"), [["70"]])
        XCTAssertEqual(try rows("SELECT first_contact_channel, COUNT(*) FROM leads GROUP BY 1 ORDER BY 1"),
                       [["NULL", "10"], ["activity", "10"], ["call", "30"], ["email", "20"]])
        // The never-contacted lead cycles NEW, JUNK, JUNK "спам", UC_DUBL (a custom junk status), IN_PROCESS: 6 junk,
        // all junked before any contact.
        XCTAssertEqual(try rows("SELECT COUNT(*), SUM(junk_without_reason) FROM leads WHERE status_semantic = 'junk'"), [["6", "6"]])
        // Per rep: through every stage to won, a skip path or a stalled one, lost from NEW; 3 created late, 3 stuck.
        XCTAssertEqual(try rows("SELECT pipeline, COUNT(*) FROM deals GROUP BY 1 ORDER BY 1"),
                       [["0", "27"], ["1", "4"], ["hubspot", "4"]])
        // Skips: 4 deals NEW→EXECUTING→WON (2 each), 3 created in EXECUTING; tenders and HubSpot deals have no
        // history, so each entered its current stage at creation: 3 and 3 of them skip.
        XCTAssertEqual(try rows("SELECT pipeline, COUNT(*) FROM stage_violations GROUP BY 1 ORDER BY 1"),
                       [["0", "11"], ["1", "3"], ["hubspot", "3"]])
        // The tenders UI export: product rows summed, names mapped (a Latin C in "Cчёт на оплату").
        XCTAssertEqual(try rows("SELECT deal_id, stage_id, stage_semantic, rep_id, amount FROM deals WHERE pipeline = '1' ORDER BY 1"), [
            ["T-1", "C1:UC_BID01", "open", "r01", "240000.0"], ["T-2", "C1:UC_INV001", "open", "r04", "80000.0"],
            ["T-3", "C1:WON", "won", "r03", "180000.0"], ["T-4", "C1:LOSE", "lost", "r06", "0.0"],
        ])
        // Stuck as of the 20th: 3 stalled at PREPARATION since the 11th, 3 "Долгий счёт" since the 10th, T-2 (9 days
        // > 7), HubSpot 9002 (8 days > 7). Overdue: per rep a task closed late and one open past its deadline.
        XCTAssertEqual(try rows("SELECT COUNT(*) FROM stuck_deals WHERE as_of = '2026-11-20'"), [["8"]])
        XCTAssertEqual(try rows("SELECT COUNT(*), COUNT(closed_at) FROM overdue_tasks WHERE as_of = '2026-11-20'"), [["14", "7"]])
        XCTAssertEqual(try rows("SELECT SUM(deals_won), SUM(revenue_won) FROM rep_daily"), [["13", "1005000.0"]])
        // Accounting paid every won deal of the general pipeline in full: 7 × (50,000 + 10,000 i) + 4 skip-path deals.
        XCTAssertEqual(try rows("SELECT SUM(amount) FROM payments"), [["700000.0"]])
        XCTAssertEqual(try rows("SELECT SUM(payments_amount) FROM rep_daily"), [["700000.0"]])
    }

    func testWorkbookConvertsWithLibreOffice() throws {
        let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try XCTSkipIf(soffice == nil, "LibreOffice is not installed")
        let project = try TestProject.asterisk("ring_group_one_answer.csv", "callback_window.csv")
        defer { project.remove() }
        XCTAssertEqual(try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-10"]).0, 0)
        let book = project.dir.appendingPathComponent("output/reports/2026-11-10/department.xlsx").path
        let outDir = project.dir.appendingPathComponent("pdf").path
        let (code, _, err) = try runProcess(soffice!, ["--headless", "--convert-to", "pdf", "--outdir", outDir, book])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: outDir + "/department.pdf"))
    }

    func testValidateReportsLocatedConfigErrorsAndExits64() throws {
        let dir = Fixtures.root.appendingPathComponent("config_errors").path
        let (code, _, err) = try runProcess(salesopsBinary, ["validate", "--project", dir])
        XCTAssertEqual(code, 64)
        XCTAssertTrue(err.contains("configuration has 13 problem(s)"), err)
        XCTAssertTrue(err.contains("config/company.yml:5: company.busines_days: unknown key"), err)
    }

    func testValidateCountsWithoutLoading() throws {
        let project = try TestProject.asterisk("malformed_rows.csv")
        defer { project.remove() }
        let (code, out, err) = try runProcess(salesopsBinary, ["validate", "--project", project.dir.path])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("pbx: 1 files, 6 rows: 2 would load, 1 filtered, 3 rejected"), out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.warehouse))
    }

    func testHelpAndUsageErrors() throws {
        let (code, out, _) = try runProcess(salesopsBinary, ["run", "--help"])
        XCTAssertEqual(code, 0)
        for option in ["--project <DIR>", "--pipeline <FILE>", "--as-of <DATE>", "--no-report"] {
            XCTAssertTrue(out.contains(option), "\(option) missing from:\n\(out)")
        }
        let (top, topOut, _) = try runProcess(salesopsBinary, ["--help"])
        XCTAssertEqual(top, 0)
        XCTAssertTrue(topOut.contains("Exit codes"), topOut)
        XCTAssertEqual(try runProcess(salesopsBinary, ["run", "--as-of", "2026-13-01"]).0, 64)
        XCTAssertEqual(try runProcess(salesopsBinary, ["frobnicate"]).0, 64)
    }

    func testASecondRunWhileOneHoldsTheLockExits75() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        let output = project.dir.appendingPathComponent("output")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let fd = open(output.appendingPathComponent(".salesops.lock").path, O_CREAT | O_RDWR, 0o644)
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        let (code, _, err) = try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-10"])
        flock(fd, LOCK_UN)
        close(fd)
        XCTAssertEqual(code, 75)
        XCTAssertTrue(err.contains("a salesops run holds"), err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.warehouse))
    }

    func testReportWithoutWarehouseFailsClearly() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        let (code, _, err) = try runProcess(salesopsBinary, ["report", "--project", project.dir.path, "--as-of", "2026-11-10"])
        XCTAssertEqual(code, 66)
        XCTAssertTrue(err.contains("run `salesops run` first"), err)
    }
}
