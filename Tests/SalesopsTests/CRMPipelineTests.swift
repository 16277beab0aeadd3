import XCTest

/// Bitrix24 REST dumps through the whole run: records upsert by id, users map to reps, statuses give
/// semantics, bad records and files that are not strict JSON are located rejects.
final class CRMPipelineTests: XCTestCase {
    func project() throws -> TestProject {
        func method(_ m: String) -> String { "    method: \(m)\n" }
        return try TestProject(sources: [
            ("leads", "bitrix24_rest", ["leads_multifields.json"], method("crm.lead.list")),
            ("deals", "bitrix24_rest", ["deals_one_page.json", "not_strict_trailing_comma.json"], method("crm.deal.list")),
            ("history", "bitrix24_rest", ["stagehistory_items.json"], method("crm.stagehistory.list")),
            ("activities", "bitrix24_rest", ["activities.json"], method("crm.activity.list")),
            ("tasks", "bitrix24_rest", ["tasks_camelcase.json"], method("tasks.task.list")),
            ("statuses", "bitrix24_rest", ["statuses.json"], method("crm.status.list")),
        ])
    }

    func testRESTDumpsLoad() throws {
        let project = try project()
        defer { project.remove() }
        let outcome = try project.run()
        XCTAssertTrue(outcome.stats.allSatisfy(\.balances))
        XCTAssertEqual(try project.rows("""
            SELECT lead_id, local_date, rep_id, crm_user_id, source, status_id, status_semantic, junk_reason FROM leads ORDER BY lead_id
            """), [
            ["501", "2026-11-09", "r01", "11", "WEB", "CONVERTED", "converted", "NULL"],
            ["502", "2026-11-09", "r02", "12", "CALL", "JUNK", "junk", ""],
            // No STATUS_SEMANTIC_ID: the status list says UC_AB12CD is a failure.
            ["504", "2026-11-10", "NULL", "99", "NULL", "UC_AB12CD", "junk", "дубль"],
        ])
        XCTAssertEqual(try project.rows("SELECT lead_id, kind, value, normalized FROM lead_contacts ORDER BY lead_id, kind"), [
            ["501", "email", "Petrov@Client.ru", "petrov@client.ru"], ["501", "phone", "+7 (916) 000-00-01", "+79160000001"],
        ])
        XCTAssertEqual(try project.rows("""
            SELECT deal_id, pipeline, stage_id, stage_semantic, rep_id, amount, currency, local_date, closed_at, lead_id FROM deals
            ORDER BY deal_id
            """), [
            ["37", "0", "WON", "won", "r01", "19999.99", "RUB", "2026-11-09", "2026-11-13", "501"],
            ["38", "0", "PREPARATION", "open", "r02", "5000.0", "RUB", "2026-11-10", "NULL", "NULL"],
        ])
        // Deal 38 has no history in the dump: it entered its stage at creation (derived, no history id).
        XCTAssertEqual(try project.rows("SELECT deal_id, stage_id, entered_at, history_id FROM deal_stage_history ORDER BY entered_epoch"), [
            ["37", "NEW", "2026-11-09T07:15:00Z", "1"], ["38", "PREPARATION", "2026-11-10T08:00:00Z", "NULL"],
            ["37", "PREPARATION", "2026-11-10T09:00:00Z", "2"], ["37", "WON", "2026-11-13T06:30:00Z", "3"],
        ])
        XCTAssertEqual(try project.rows("""
            SELECT activity_id, kind, rep_id, owner_type, owner_id, start_at, end_at, local_date, completed, direction FROM activities
            ORDER BY activity_id
            """), [
            ["9001", "call", "r01", "lead", "504", "2026-11-10T08:05:00Z", "2026-11-10T08:09:00Z", "2026-11-10", "1", "outgoing"],
            ["9002", "meeting", "r02", "deal", "37", "2026-11-11T12:00:00Z", "2026-11-11T13:30:00Z", "2026-11-11", "0", "NULL"],
            ["9003", "chat", "r02", "deal", "38", "2026-11-12T07:00:00Z", "NULL", "2026-11-12", "1", "NULL"],
        ])
        XCTAssertEqual(try project.rows("SELECT task_id, rep_id, deadline_at, closed_at, status FROM tasks ORDER BY task_id"), [
            ["801", "r01", "2026-11-10T15:00:00Z", "2026-11-11T07:00:00Z", "completed"],
            ["802", "r02", "NULL", "NULL", "pending"],
        ])
        // A lead without a creation date, and a file that is not strict JSON: located rejects (its records
        // before the bad byte were read and judged: these lack DATE_CREATE).
        XCTAssertEqual(try project.rows("SELECT source, src_file, src_line, reason FROM rejects ORDER BY source, src_line"), [
            ["deals", "input/deals/not_strict_trailing_comma.json", "2", "no DATE_CREATE"],
            ["deals", "input/deals/not_strict_trailing_comma.json", "3", "no DATE_CREATE"],
            ["deals", "input/deals/not_strict_trailing_comma.json", "4",
             "not strict JSON: line 4, column 1: trailing comma in array; the rest of the file is not read"],
            ["leads", "input/leads/leads_multifields.json", "4", "no DATE_CREATE"],
        ])
        // A second night with the same dumps changes nothing; a changed dump upserts by id.
        let before = try project.rows("SELECT * FROM deals ORDER BY deal_id")
        try project.run()
        XCTAssertEqual(try project.rows("SELECT * FROM deals ORDER BY deal_id"), before)
    }

    func testAnotherCRMsDealsExportThroughAColumnMapping() throws {
        // A HubSpot "Export all deals" file, stages mapped to the funnel's ids.
        let mapping = [
            "    format: {delimiter: \",\", header: true, date_format: \"yyyy-MM-dd HH:mm\"}",
            "    columns: {id: Record ID, title: Deal Name, stage: Deal Stage, pipeline: Pipeline, amount: Amount,",
            "              closed_at: Close Date, created_at: Create Date, responsible: Deal owner}",
            "    values:",
            "      stage: {Closed Won: WON, Closed Lost: LOSE, Presentation Scheduled: PREPARATION, Negotiation: EXECUTING}",
            "      pipeline: {Sales Pipeline: \"0\"}",
        ].joined(separator: "\n") + "\n"
        let project = try TestProject(sources: [("hubspot", "mapped_csv_crm", ["hubspot-crm-exports-all-deals-2026-11-20.csv"], mapping)])
        defer { project.remove() }
        try project.run(asOf: "2026-11-20")
        XCTAssertEqual(try project.rows("""
            SELECT deal_id, stage_id, stage_semantic, rep_id, amount, local_date, closed_at FROM deals ORDER BY deal_id
            """), [
            ["9001", "WON", "won", "r01", "125000.0", "2026-11-03", "2026-11-18"],   // the owner's roster name
            ["9002", "PREPARATION", "open", "r02", "NULL", "2026-11-12", "NULL"],
            ["9003", "LOSE", "lost", "r01", "4000.0", "2026-11-13", "2026-11-14"],
        ])
        XCTAssertEqual(try project.rows("SELECT src_line, reason FROM rejects"), [["5", "amount is not a number: 'abc'"]])
    }
}

final class AmountTests: XCTestCase {
    func testAmountsThatAreNotFiniteOrOutOfRangeAreLocatedRejects() throws {
        let project = try TestProject(sources: [
            ("deals", "bitrix24_rest", ["deals_nonfinite_amounts.json"], "    method: crm.deal.list\n"),
            ("payments", "mapped_csv_crm", ["payments_nonfinite_amounts.csv"], [
                "    entity: payments",
                "    format: {delimiter: \";\", header: true, date_format: dd.MM.yyyy}",
                "    columns: {id: id, deal_id: deal_id, paid_at: paid_at, amount: amount, currency: currency}",
            ].joined(separator: "\n") + "\n"),
        ])
        defer { project.remove() }
        try project.run(asOf: "2026-11-20", reports: true)
        XCTAssertEqual(try project.rows("SELECT deal_id, amount FROM deals"), [["61", "1005000.0"]])
        XCTAssertEqual(try project.rows("SELECT payment_id, amount FROM payments"), [["P1", "50000.0"]])
        XCTAssertEqual(try project.rows("SELECT source, src_line, reason FROM rejects ORDER BY source, src_line"), [
            ["deals", "3", "OPPORTUNITY is not a finite number: 'Infinity'"],
            ["deals", "4", "OPPORTUNITY is not a finite number: '1e309'"],
            ["deals", "5", "OPPORTUNITY is not a finite number: 'NaN'"],
            ["deals", "6", "OPPORTUNITY is out of range (more than 10^15): '1e308'"],
            ["payments", "3", "amount is not a finite number: 'Infinity'"],
            ["payments", "4", "amount is not a finite number: '-1e309'"],
            ["payments", "5", "amount is not a finite number: 'nan'"],
        ])
        // The workbook of that night opens.
        let book = project.dir.appendingPathComponent("output/reports/2026-11-20/department.xlsx").path
        let (code, _, err) = try runProcess("/usr/bin/env", ["python3", "-c", "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1])", book])
        XCTAssertEqual(code, 0, err)
    }
}
