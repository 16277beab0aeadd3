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

    func dump(_ path: String) throws -> [Sheet] { try Self.dump(path) }

    /// The workbook read back with openpyxl (`Tests/tools/dump_xlsx.py`).
    static func dump(_ path: String) throws -> [Sheet] {
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
        XCTAssertEqual(sheets.map(\.title), ["Alerts", "Summary", "Missed calls", "Activity", "Data quality", "Definitions"])
        // Summary: one block per metric (reps, then the department total), the periods as columns. The
        // norm (2 effective calls a business day) is prorated: the week so far has 2 business days, the
        // month to date 6 and the previous week 4 (4 November is a holiday).
        let summary = sheets[1]
        XCTAssertEqual(summary.freeze, "C4")
        XCTAssertEqual(summary.rows[1][3].text, "Day 10.11")
        XCTAssertEqual(summary.rows[1][12].text, "Previous week 02.11–08.11")
        func line(_ metric: String, _ rep: String) throws -> [Cell] {
            try XCTUnwrap(summary.rows.first { $0[0].text == metric && $0[1].text == rep }, "\(metric) / \(rep)")
        }
        XCTAssertEqual(try line("Outbound calls", "Anna")[3].number, 5)
        XCTAssertEqual(try line("Inbound calls", "Anna")[3].number, 3)
        XCTAssertEqual(try line("Effective calls", "Anna")[3...14].map(\.number), [4, 2, 2, 4, 4, 1, 4, 12, 4.0 / 12, 0, 8, 0])
        XCTAssertEqual(try line("Talk, min", "Anna")[3].number, 241.0 / 60)
        XCTAssertEqual(try line("Missed", "Anna")[3].number, 3)
        XCTAssertEqual(try line("Effective calls", "Department total")[3...5].map(\.number), [6, 6, 1])
        XCTAssertEqual(try line("Effective calls", "Department total")[9...10].map(\.number), [6, 36])
        XCTAssertEqual(try line("Talk, min", "Department total")[3].number, 456.0 / 60)
        XCTAssertEqual(try line("Outbound calls", "Department total")[3].number, 6)
        XCTAssertEqual(try line("Inbound calls", "Department total")[3].number, 5)
        // Only the normed metric has norms; metrics without any figure are left out.
        XCTAssertNil(try line("Outbound calls", "Anna")[4].number)
        XCTAssertFalse(summary.rows.contains { $0[0].text == "Meetings" })

        // Alerts: Boris and Vera under the norm; Anna's callback after 75 minutes, with its call.
        let alerts = sheets[0]
        XCTAssertEqual(alerts.rows[3...].map { $0.prefix(4).map(\.text) }, [
            ["medium", "Anna", "Missed, no callback", "Missed calls called back later than 60 min: 1"],
            [nil, "Anna", nil, "79160000002"],
            ["high", "Boris", "Below norm", "Effective calls: 1 of 2 today (50%); 1 of 4 this week so far (25%)"],
            ["high", "Vera", "Below norm", "Effective calls: 1 of 2 today (50%); 1 of 4 this week so far (25%)"],
        ])
        XCTAssertEqual(alerts.rows[4][5].text, "2026-11-10T12:00:00")
        XCTAssertEqual(alerts.rows[4][6].text, "called back after 75 min")

        let activity = sheets[3]
        XCTAssertEqual(activity.charts, 1)
        XCTAssertEqual(activity.rows[3][0].type, "d")
        XCTAssertEqual(activity.rows[3][0].text, "2026-11-10T00:00:00")
        XCTAssertEqual(activity.rows[3][1].text, "10.11 Tue")
        XCTAssertEqual(activity.rows[2][2...6].map(\.text), ["Department", "Department norm", "Anna", "Boris", "Vera"])
        XCTAssertEqual(activity.rows[3][2...6].map(\.number), [6, 6, 4, 1, 1])

        // The to-do list: the one missed call not returned in time (the other two were, within 45 and 60 min).
        let missed = sheets[2]
        XCTAssertEqual(missed.rows.count, 4)
        XCTAssertEqual(missed.rows[3][0].text, "2026-11-10T12:00:00")
        XCTAssertEqual(missed.rows[3][2].type, "s")
        XCTAssertEqual(missed.rows[3][2].text, "+79160000002")
        XCTAssertEqual(missed.rows[3][5].number, 75)
        XCTAssertEqual(missed.rows[3][6].text, "medium")

        // Anna's own workbook: her alerts and figures, nothing about Boris or Vera.
        let own = try dump(project.dir.appendingPathComponent("output/reports/2026-11-10/rep-r01.xlsx").path)
        XCTAssertEqual(own.map(\.title), ["Alerts", "Summary", "Missed calls"])
        XCTAssertEqual(own[1].rows[5][0].text, "Effective calls")
        XCTAssertEqual(own[1].rows[5][1...3].map(\.number), [4, 2, 2])
        let everything = own.flatMap { $0.rows.flatMap { $0.compactMap(\.text) } }
        XCTAssertFalse(everything.contains { $0.contains("Boris") || $0.contains("Vera") || $0.contains("Department") })

        let quality = sheets[4]
        XCTAssertEqual(quality.rows[3].map { $0.number ?? -1 }.dropFirst().prefix(5), [4, 17, 13, 1, 3])   // files, read, loaded, filtered, rejected
        // The newest call (local time) and the working days since: none, it is of the as-of day.
        XCTAssertEqual(quality.rows[3][6].text, "2026-11-10T18:05:00")   // 15:05 UTC
        XCTAssertEqual(quality.rows[3][7].number, 0)
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
        // The Summary's mail lines: the proposal on the 10th; month to date the same (the later mails are after the as-of date).
        let sheets = try dump(project.dir.appendingPathComponent("output/reports/2026-11-10/department.xlsx").path)
        let summary = try XCTUnwrap(sheets.first { $0.title == "Summary" })
        for metric in ["Emails to clients", "Proposals sent"] {
            let anna = try XCTUnwrap(summary.rows.first { $0[0].text == metric && $0[1].text == "Anna" })
            XCTAssertEqual([anna[3].number, anna[9].number], [1, 1], metric)
        }
        // The mail log stays in the warehouse, not in the workbook.
        XCTAssertFalse(sheets.contains { $0.title == "Emails" })
        XCTAssertEqual(try project.rows("""
            SELECT rep_id, direction, client_email, subject, attachments, is_proposal FROM emails
            WHERE local_date = '2026-11-10' ORDER BY sent_at
            """), [["r01", "outbound", "petrov@client.ru", "Коммерческое предложение", "1", "1"],
                   ["r01", "inbound", "petrov@client.ru", "Re: Коммерческое предложение", "0", "0"]])
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
        XCTAssertEqual(sheets.map(\.title), ["Alerts", "Summary", "Missed calls", "Leads to contact", "Overdue tasks",
                                             "Stuck deals", "Untouched deals", "Stage violations", "Activity", "Funnel",
                                             "Data quality", "Definitions"])
        let funnel = sheets[9]
        XCTAssertEqual(funnel.charts, 1)
        XCTAssertEqual(funnel.rows[3...7].map { $0[0].text }, Array(repeating: "Продажи", count: 5))   // the funnel's name
        XCTAssertEqual(funnel.rows[3...7].map { $0[1].text }, ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "WON"])
        XCTAssertEqual(funnel.rows[3...7].map { $0[2].number }, [6, 5, 3, 3, 2])
        XCTAssertEqual(funnel.rows[3][3].number, 5.0 / 6)
        // Per rep, the conversion to the next stage: Anna 4 of 4 reached PREPARATION, Boris 1 of 2.
        XCTAssertEqual(funnel.rows[3][4...5].map(\.number), [1, 0.5])   // Anna, Boris
        XCTAssertEqual(funnel.rows[7][4...5].map(\.number), [nil, nil])   // WON: no next stage
        // To-do lists, not logs: of the eight leads only the three Anna never contacted (the others were
        // contacted in time), the open overdue task (T1 was closed late: a log fact, not a to-do).
        let leads = sheets[3]
        XCTAssertEqual(leads.rows[3...].map { $0[1].text }, ["L2", "L8", "L5"])
        XCTAssertEqual(leads.rows[3...].map { $0[10].text }, ["high", "high", "high"])
        // L5 was created on the 19th at 09:00 (Moscow): 39 hours to the end of the 20th.
        XCTAssertEqual(leads.rows[5][8].number, 39 * 60)
        XCTAssertEqual(sheets[4].rows[3...].map { $0[0].text }, ["T3"])
        XCTAssertEqual(sheets[5].rows[3...].map { $0[0].text }, ["D3", "D5"])
        XCTAssertEqual(sheets[7].rows[3...].map { $0[1].text }, ["D6", "D2", "D2", "D3"])   // newest entry first
        XCTAssertEqual(sheets[7].rows[6][6].text, "NEW, PREPARATION")
        // The alerts behind the lists, each with its rows.
        let alerts = sheets[0]
        let kinds = alerts.rows[3...].compactMap { row in row[0].text.map { "\($0) \(row[1].text ?? "") \(row[2].text ?? "")" } }
        XCTAssertEqual(kinds, ["high Anna Below norm", "high Anna Lead response", "high Anna Untouched deals",
                               "medium Anna Stuck deals", "low Anna Untouched deals", "high Boris Below norm",
                               "high Boris Untouched deals", "medium Boris Overdue tasks", "medium Boris Stuck deals",
                               "high Vera Below norm"])
        XCTAssertEqual(alerts.rows[5][4].text, "L2")
        XCTAssertEqual(alerts.rows[5][6].text, "no contact for 10 d 11 h · Petrov@Client.ru")
        let summary = sheets[1]
        let revenue = try XCTUnwrap(summary.rows.first { $0[0].text == "Revenue won" && $0[1].text == "Anna" })
        XCTAssertEqual(revenue[9].number, 70000.5)   // month to date
        let won = try XCTUnwrap(summary.rows.first { $0[0].text == "Deals won" && $0[1].text == "Department total" })
        XCTAssertEqual(won[9].number, 2)
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
        // The department's day: the reps' calls and the calls of no rep (extension 104, not in the roster: 1
        // outbound; 1 missed on the regions' line) — the same figures as the Summary's total (checked below).
        XCTAssertTrue(out.contains("calls out 167, in 28, effective 103 (norm 92), missed 5 (3 not called back in time)"), out)
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
        let leadsToContact = try XCTUnwrap(sheets.first { $0.title == "Лиды без контакта" })
        XCTAssertEqual(leadsToContact.rows[3][1].text, "1007")
        XCTAssertEqual(leadsToContact.rows[3][5].text, "Веб-сайт")
        XCTAssertEqual(leadsToContact.rows[3][6].text, "Не обработан")
        // The Kazan office on Bitrix24's own telephony: its calls load by CRM user id; informational
        // calls and the Moscow PBX's calls it registered are filtered, counted.
        XCTAssertEqual(try rows("SELECT reason, rows FROM etl_filtered WHERE source = 'kazan_bitrix24' ORDER BY reason"), [
            ["informational call", "10"], ["registered by an integrated PBX (read from its own log)", "10"],
        ])
        XCTAssertEqual(try rows("SELECT COUNT(*), COUNT(DISTINCT rep_id), MIN(rep_id) FROM calls WHERE source = 'kazan_bitrix24'"),
                       [["70", "1", "r08"]])
        // Every run balances; the accounting of the CRM sources.
        XCTAssertEqual(try rows("SELECT COUNT(*) FROM etl_sources WHERE rows_read != rows_loaded + rows_filtered + rows_rejected"), [["0"]])
        // 7 leads a business day for 10 days: 3 contacted by call, 2 by mail, 1 by a CRM call, 1 never; and
        // one junked on the as-of day before anyone called.
        XCTAssertEqual(try rows("SELECT COUNT(*) FROM leads"), [["71"]])
        XCTAssertEqual(try rows("SELECT first_contact_channel, COUNT(*) FROM leads GROUP BY 1 ORDER BY 1"),
                       [["NULL", "11"], ["activity", "10"], ["call", "30"], ["email", "20"]])
        // The never-contacted lead cycles NEW, JUNK, JUNK "спам", UC_DUBL (a custom junk status), IN_PROCESS: 6 junk,
        // all junked before any contact (and the one of the as-of day).
        XCTAssertEqual(try rows("SELECT COUNT(*), SUM(junk_without_reason) FROM leads WHERE status_semantic = 'junk'"), [["7", "7"]])
        // Per rep: through every stage to won, a skip path or a stalled one, lost from NEW; 3 created late, 3 stuck.
        XCTAssertEqual(try rows("SELECT pipeline, COUNT(*) FROM deals GROUP BY 1 ORDER BY 1"),
                       [["0", "28"], ["1", "4"], ["hubspot", "4"]])
        // Skips: 4 deals NEW→EXECUTING→WON (2 each), 3 created in EXECUTING, the as-of day's NEW→EXECUTING; tenders and HubSpot deals have no
        // history, so each entered its current stage at creation: 3 and 3 of them skip.
        XCTAssertEqual(try rows("SELECT pipeline, COUNT(*) FROM stage_violations GROUP BY 1 ORDER BY 1"),
                       [["0", "12"], ["1", "3"], ["hubspot", "3"]])
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

        // Alerts: every kind but no_data (all the demo's sources deliver), each with JSON evidence.
        XCTAssertEqual(try rows("""
            SELECT kind, COUNT(*) FROM alerts WHERE as_of = '2026-11-20' AND json_valid(evidence)
               AND json_array_length(evidence) > 0 GROUP BY kind ORDER BY kind
            """).map { $0[0] }, ["below_norm", "decline", "junk_without_reason", "lead_sla", "missed_no_callback",
                                 "overdue_task", "stage_skip", "stuck_deal", "untouched_deal"])
        XCTAssertEqual(try rows("SELECT COUNT(*) FROM alerts WHERE as_of = '2026-11-20' AND kind = 'no_data'"), [["0"]])
        // Boris (r02) halved his outbound calls in the second week: a decline against his own past (the
        // Moscow office's rotated log holds his two weeks before the demo's).
        XCTAssertEqual(try rows("SELECT alert_id, severity FROM alerts WHERE kind = 'decline' ORDER BY alert_id"),
                       [["decline:r02:calls_effective", "medium"], ["decline:r02:calls_out", "medium"]])
        // In Russian, with a decimal comma.
        XCTAssertEqual(try rows("SELECT message FROM alerts WHERE alert_id = 'decline:r02:calls_out'"),
                       [["Исходящие звонки: 13,4 в день за последние 5 раб. дн. против 24,2 за 14 раб. дн. до того (−45%)"]])
        XCTAssertEqual(try rows("SELECT evidence FROM alerts WHERE alert_id = 'stage_skip:r06:medium'"), [["[\"228\"]"]])
        // Work time: the Moscow office's CRM worktime (a late start, a day closed by the system, one still
        // open), the reps' calendars (a trip with a meeting inside it, a weekly meeting with an exception,
        // an all-day exhibition, a vacation), the St Petersburg turnstiles (a missing exit).
        XCTAssertEqual(try rows("""
            SELECT rep_id, local_date, work_start, work_end, work_mins, break_mins, office_mins, field_mins, late_mins, status, source
            FROM worktime_days WHERE (rep_id, local_date) IN (VALUES ('r01', '2026-11-17'), ('r01', '2026-11-12'),
                ('r02', '2026-11-16'), ('r02', '2026-11-18'), ('r03', '2026-11-12'), ('r03', '2026-11-20'), ('r04', '2026-11-18'),
                ('r05', '2026-11-10'), ('r05', '2026-11-17'))
            ORDER BY rep_id, local_date
            """), [
            ["r01", "2026-11-17", "09:52", "18:08", "445", "51", "355", "90", "52", "closed", "timeman"],
            ["r02", "2026-11-16", "09:02", "18:20", "498", "60", "58", "480", "2", "closed", "timeman"],
            ["r02", "2026-11-18", "09:04", "18:00", "536", "0", "536", "0", "4", "expired", "timeman"],
            ["r03", "2026-11-12", "10:00", "19:00", "540", "0", "0", "540", "NULL", "field", "calendar"],
            ["r03", "2026-11-20", "10:09", "24:00", "831", "0", "831", "0", "9", "open", "timeman"],
            ["r04", "2026-11-18", "08:52", "13:52", "253", "47", "253", "0", "0", "no_exit", "access"],
            ["r05", "2026-11-17", "09:27", "18:16", "482", "47", "482", "0", "27", "closed", "access"],
        ])
        XCTAssertEqual(try rows("SELECT working, absence_kind FROM rep_days WHERE rep_id = 'r05' AND local_date = '2026-11-10'"),
                       [["0", "Отпуск"]])
        let worktime = try XCTUnwrap(sheets.first { $0.title == "Рабочее время" })
        func day(_ rep: String, _ date: String) -> [String?] {
            let row: [Cell] = worktime.rows.first { $0[0].text == rep && $0[1].text == date + "T00:00:00" } ?? []
            return row.map { cell -> String? in cell.text ?? cell.number.map { String($0) } }
        }
        XCTAssertEqual(day("Борис Кузнецов", "2026-11-18")[9], "Закрыт системой")
        XCTAssertEqual(day("Вера Попова", "2026-11-20")[9], "Не закрыт (до отчёта)")
        XCTAssertEqual(day("Глеб Соколов", "2026-11-18")[9], "Нет выхода")
        XCTAssertEqual(day("Дарья Лебедева", "2026-11-10")[9...10], ["Отсутствие", "Отпуск"])
        XCTAssertEqual(day("Дарья Лебедева", "2026-11-17")[8], "27.0")
        // The Summary's Work time block reads worktime_period: the department's day.
        let summaryRows: [[Cell]] = sheets[1].rows
        let block = try XCTUnwrap(summaryRows.firstIndex { $0.first?.text == "Рабочее время (часы)" })
        let dayTotal: [Cell] = try XCTUnwrap(summaryRows[block...].first { $0[0].text == "День" && $0[1].text == "Итого по отделу" })
        XCTAssertEqual(dayTotal[2].number, 5)
        XCTAssertEqual(dayTotal[3].number.map { ($0 * 60).rounded() },
                       Double(try rows("SELECT SUM(work_mins) FROM worktime_days WHERE local_date = '2026-11-20'")[0][0]))
        // The Alerts sheet shows the warehouse's alerts, grouped by rep, most severe first.
        let alerts = sheets[0]
        XCTAssertEqual(alerts.title, "Сигналы")
        let shown = alerts.rows[3...].compactMap { $0[0].text == nil ? nil : $0[3].text }
        XCTAssertEqual(Set(shown), Set(try rows("SELECT message FROM alerts WHERE as_of = '2026-11-20'").map { $0[0] }))
        XCTAssertEqual(shown.count, Int(try rows("SELECT COUNT(*) FROM alerts WHERE as_of = '2026-11-20'")[0][0]))
        // Summary: its cells are rep_period's figures, typed; its department total is the run summary's line.
        let summary = sheets[1]
        XCTAssertEqual(summary.title, "Сводка")
        let total = try XCTUnwrap(summary.rows.first { $0[0].text == "Эффективные звонки" && $0[1].text == "Итого по отделу" })
        XCTAssertEqual(total[3...4].map(\.number), [103, 92])
        // Every figure of the Summary is rep_period's: each (metric, line) row, the value, norm and share of
        // norm of each period, typed as numbers (blank where there is no norm).
        let expected = try rows("""
            SELECT c.text || '|' || CASE p.scope WHEN 'rep' THEN r.name WHEN 'no_rep' THEN '(не определён)'
                                                 ELSE 'Итого по отделу' END,
                   p.period, p.value, COALESCE(p.norm, 'NULL'), COALESCE(p.pct_of_norm, 'NULL')
            FROM rep_period p JOIN captions c ON c.language = 'ru' AND c.key = 'metric.' || p.metric
            LEFT JOIN reps r ON r.rep_id = p.rep_id
            WHERE p.as_of = '2026-11-20'
            """)
        var byLine: [String: [String: [String]]] = [:]
        for e in expected { byLine[e[0], default: [:]][e[1]] = Array(e[2...4]) }
        let column = ["day": 3, "wtd": 6, "mtd": 9, "prev_week": 12]
        var compared = 0
        for line in summary.rows[3...].prefix(while: { $0[0].text != nil }) {
            let key = "\(line[0].text ?? "")|\(line[1].text ?? "")"
            let periods = try XCTUnwrap(byLine[key], key)
            for (period, at) in column {
                let want = try XCTUnwrap(periods[period], "\(key) \(period)")
                for (offset, text) in want.enumerated() {
                    let cell = line[at + offset]
                    if text == "NULL" { XCTAssertNil(cell.number, "\(key) \(period) \(offset)"); continue }
                    XCTAssertEqual(cell.type, "n", "\(key) \(period) \(offset)")
                    XCTAssertEqual(try XCTUnwrap(cell.number), try XCTUnwrap(Double(text)), accuracy: 1e-9, "\(key) \(period)")
                    compared += 1
                }
            }
        }
        XCTAssertGreaterThan(compared, 500)
        // Under it, lead conversion: the department's month equals lead_conversion's row.
        let conversion = try XCTUnwrap(summary.rows.first { $0[0].text == "Месяц" && $0[1].text == "Итого по отделу" })
        let expectedConversion = try rows("""
            SELECT created, converted, junk, open FROM lead_conversion
            WHERE as_of = '2026-11-20' AND period = 'mtd' AND scope = 'department'
            """)[0].map { Double($0)! }
        XCTAssertEqual(conversion[2...5].map(\.number), expectedConversion.map { $0 })
        // The run summary's day line is the department's day in rep_period, as the Summary shows it.
        func departmentDay(_ metric: String) throws -> String {
            try rows("""
                SELECT CAST(value AS INTEGER) FROM rep_period
                WHERE as_of = '2026-11-20' AND period = 'day' AND scope = 'department' AND metric = '\(metric)'
                """)[0][0]
        }
        XCTAssertTrue(out.contains("calls out \(try departmentDay("calls_out")), in \(try departmentDay("calls_in")), "
                                   + "effective \(try departmentDay("calls_effective"))"), out)
        XCTAssertTrue(out.contains("missed \(try departmentDay("missed_in")) "), out)
        XCTAssertTrue(out.contains("emails out \(try departmentDay("emails_out")), proposals \(try departmentDay("proposals"))"), out)
        // Boris's own workbook: his alerts, his figures, his lists; no other rep's name.
        let own = try dump(dir.appendingPathComponent("output/reports/2026-11-20/rep-r02.xlsx").path)
        XCTAssertEqual(own.map(\.title), ["Сигналы", "Сводка", "Пропущенные", "Лиды без контакта", "Просроченные задачи",
                                          "Зависшие сделки", "Сделки без внимания", "Пропуск стадий", "Рабочее время"])
        // His working days of the month, those with a workday and those without.
        let ownDays: [String] = own[8].rows[3...].compactMap { $0[0].text }
        XCTAssertEqual(ownDays, try rows("""
            SELECT local_date || 'T00:00:00' FROM rep_days WHERE rep_id = 'r02' AND local_date BETWEEN '2026-11-01' AND '2026-11-20'
            ORDER BY local_date
            """).map { $0[0] })
        XCTAssertEqual(Set(own[0].rows[3...].compactMap { $0[0].text == nil ? nil : $0[3].text }),
                       Set(try rows("SELECT message FROM alerts WHERE as_of = '2026-11-20' AND rep_id = 'r02'").map { $0[0] }))
        let ownEffective = try XCTUnwrap(own[1].rows.first { $0[0].text == "Эффективные звонки" })
        XCTAssertEqual(ownEffective[1].number, Double(try rows("""
            SELECT value FROM rep_period WHERE as_of = '2026-11-20' AND period = 'day' AND rep_id = 'r02' AND metric = 'calls_effective'
            """)[0][0]))
        let others = try rows("SELECT name FROM reps WHERE rep_id != 'r02'").map { $0[0] }
        let text = own.flatMap { $0.rows.flatMap { $0.compactMap(\.text) } }
        XCTAssertFalse(text.contains { cell in others.contains { cell.contains($0) } })
    }

    /// `report --as-of D` for a past date shows the world as it was known at D: the same stuck deals,
    /// overdue tasks, funnel and stage violations as a warehouse built from the CRM dumps as they were
    /// exported at the end of D (`Tests/tools/cut_demo.py`). Compared on the general pipeline, whose
    /// deals have a stage history (the UI and HubSpot exports have none: their past stages are unknown).
    func testAReportForAnEarlierDateMatchesInputsCutAtThatDate() throws {
        let repo = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-asof-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func project(_ name: String) throws -> URL {
            let dir = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for sub in ["config", "pipelines", "input"] {
                try FileManager.default.copyItem(at: repo.appendingPathComponent(sub), to: dir.appendingPathComponent(sub))
            }
            return dir
        }
        func rows(_ dir: URL, _ sql: String) throws -> [[String]] {
            let db = try SQLiteDatabase(path: dir.appendingPathComponent("output/warehouse.sqlite").path, readOnly: true)
            defer { db.close() }
            return try db.query(sql).map { $0.map { $0.string ?? "NULL" } }
        }
        let full = try project("full")
        XCTAssertEqual(try runProcess(salesopsBinary, ["run", "--project", full.path, "--as-of", "2026-11-20"]).0, 0)
        let tool = Fixtures.root.deletingLastPathComponent().appendingPathComponent("tools/cut_demo.py").path
        // The 13th (the week's stuck deals are not stuck yet) and the 17th (they are).
        for (date, end) in [("2026-11-13", "2026-11-13T20:59:59Z"), ("2026-11-17", "2026-11-17T20:59:59Z")] {
            let cut = try project("cut-\(date)")
            let (cutCode, _, cutErr) = try runProcess("/usr/bin/env", ["python3", tool, cut.path, date])
            XCTAssertEqual(cutCode, 0, cutErr)
            XCTAssertEqual(try runProcess(salesopsBinary, ["run", "--project", cut.path, "--as-of", date]).0, 0)
            let (code, _, err) = try runProcess(salesopsBinary, ["report", "--project", full.path, "--as-of", date])
            XCTAssertEqual(code, 0, err)
            let queries = [
                "SELECT s.deal_id, s.rep_id, s.stage_id, s.days_at_stage, s.max_days FROM stuck_deals s JOIN deals d USING (deal_id) "
                    + "WHERE s.as_of = '\(date)' AND d.pipeline = '0' ORDER BY 1",
                "SELECT task_id, rep_id, deadline_at, closed_at, overdue_days FROM overdue_tasks WHERE as_of = '\(date)' ORDER BY 1",
                "SELECT period_start, stage_id, COALESCE(rep_id, '-'), reached, conversion FROM funnel WHERE pipeline = '0' "
                    + "ORDER BY 1, 2, 3",
                "SELECT deal_id, entered_stage, entered_at, skipped_stages FROM stage_violations "
                    + "WHERE pipeline = '0' AND entered_at <= '\(end)' ORDER BY 1, 2",
            ]
            for (i, sql) in queries.enumerated() {
                let expected = try rows(cut, sql)
                XCTAssertEqual(expected.isEmpty, date == "2026-11-13" && i == 0, "\(date): \(sql)")
                XCTAssertEqual(try rows(full, sql), expected, "\(date): \(sql)")
            }
        }
    }

    /// Every workbook — the department's and a rep's — converts to PDF; the printed Summary is A4 landscape.
    func testWorkbooksConvertWithLibreOffice() throws {
        let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try XCTSkipIf(soffice == nil, "LibreOffice is not installed")
        let project = try TestProject.asterisk("ring_group_one_answer.csv", "callback_window.csv")
        defer { project.remove() }
        XCTAssertEqual(try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-10"]).0, 0)
        let outDir = project.dir.appendingPathComponent("pdf").path
        for name in ["department", "rep-r01"] {
            let book = project.dir.appendingPathComponent("output/reports/2026-11-10/\(name).xlsx").path
            let (code, _, err) = try runProcess(soffice!, ["--headless", "--convert-to", "pdf", "--outdir", outDir, book])
            XCTAssertEqual(code, 0, err)
            let pdf = try Data(contentsOf: URL(fileURLWithPath: outDir + "/\(name).pdf"))
            // A4 landscape: 841.9 × 595.3 points.
            let text = String(decoding: pdf, as: UTF8.self)
            XCTAssertTrue(text.contains("0 0 841.889763779528 595.303937007874"), name)
            XCTAssertFalse(text.contains("0 0 595.303937007874 841.889763779528"), name)   // no portrait page
        }
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
