import XCTest

/// The process-quality metrics of SPEC "Leads" and "Deals and stages" on fixtures whose truth is
/// worked out by hand: lead first contact through each channel, SLA, junk without reason, stage
/// skips, the funnel, stuck deals, overdue tasks and the CRM columns of `rep_daily`.
final class CRMQualityTests: XCTestCase {
    static var project: TestProject!

    override class func setUp() {
        super.setUp()
        func rest(_ name: String, _ file: String, _ method: String) -> (String, String, [String], String) {
            (name, "bitrix24_rest", ["quality/\(file)"], "    method: \(method)\n")
        }
        project = try! TestProject(sources: [
            ("pbx", "asterisk_cdr", ["lead_first_call.csv"], ""),
            ("mail", "mbox", ["sent_mboxrd.mbox"], ""),
            ("eml", "eml", ["eml/cc_recipient.eml"], ""),
            rest("leads", "leads.json", "crm.lead.list"), rest("lead_history", "lead_history.json", "crm.stagehistory.list"),
            rest("deals", "deals.json", "crm.deal.list"), rest("history", "history.json", "crm.stagehistory.list"),
            rest("activities", "activities.json", "crm.activity.list"), rest("tasks", "tasks.json", "tasks.task.list"),
            // Payments from accounting: windows-1251, ';', dates without a time, a decimal comma.
            ("payments", "mapped_csv_crm", ["quality/payments.csv"], [
                "    entity: payments",
                "    format: {delimiter: \";\", encoding: windows-1251, header: true, date_format: dd.MM.yyyy}",
                "    columns: {id: Номер, deal_id: Сделка, paid_at: Дата оплаты, amount: Сумма, currency: Валюта}",
            ].joined(separator: "\n") + "\n"),
        ])
        try! project.run(asOf: "2026-11-20")
    }

    override class func tearDown() {
        project.remove()
        super.tearDown()
    }

    var project: TestProject { Self.project }

    func testLeadFirstContactThroughEachChannelAndTheSLA() throws {
        XCTAssertEqual(try project.rows("""
            SELECT lead_id, first_contact_at, first_contact_channel, response_mins, sla_breached, junk_without_reason
            FROM leads ORDER BY lead_id
            """), [
            ["L1", "2026-11-10T07:10:00Z", "call", "10", "0", "NULL"],       // an outbound call to its phone (any format)
            ["L2", "2026-11-10T09:15:00Z", "email", "10", "0", "NULL"],      // an outbound mail to its address
            ["L3", "2026-11-10T08:05:00Z", "activity", "5", "0", "NULL"],    // a completed CRM call bound to it
            ["L4", "2026-11-10T07:00:00Z", "activity", "60", "1", "NULL"],   // contacted late
            ["L5", "NULL", "NULL", "NULL", "1", "NULL"],                     // never (a meeting before its creation is no contact)
            ["L6", "NULL", "NULL", "NULL", "1", "1"],                     // junk without a reason
            ["L7", "2026-11-11T07:00:00Z", "activity", "60", "1", "0"],   // junk with a reason, after a contact
            ["L8", "2026-11-12T07:20:00Z", "email", "20", "1", "NULL"],      // its address in the Cc of a mail to another client
        ])
    }

    func testStageSkips() throws {
        // D1 went through every stage to won and D4 from NEW to lost: no skip.
        XCTAssertEqual(try project.rows("""
            SELECT deal_id, rep_id, entered_stage, entered_at, skipped_stages FROM stage_violations ORDER BY deal_id, entered_at
            """), [
            ["D2", "r01", "EXECUTING", "2026-11-05T07:00:00Z", "PREPARATION"],   // skipped a required stage
            ["D2", "r01", "WON", "2026-11-13T07:00:00Z", "PREPARATION"],
            ["D3", "r02", "EXECUTING", "2026-11-05T07:00:00Z", "NEW,PREPARATION"],   // created in a late stage
            ["D6", "r01", "PREPARATION", "2026-11-19T07:00:00Z", "NEW"],   // no history: its stage at creation
        ])
    }

    /// A night that writes no CRM record keeps the stage skips it found before; a change of the
    /// funnels (a stage no longer required) is one, and the skips are found again by the new rule.
    func testStageSkipsFollowAFunnelChangeOnANightWithoutCRMRecords() throws {
        // Calls too: a night on a warehouse without calls is a first load, which rebuilds everything.
        let project = try TestProject(sources: [
            ("pbx", "asterisk_cdr", ["lead_first_call.csv"], ""),
            ("deals", "bitrix24_rest", ["quality/deals.json"], "    method: crm.deal.list\n"),
            ("history", "bitrix24_rest", ["quality/history.json"], "    method: crm.stagehistory.list\n"),
        ])
        defer { project.remove() }
        let skips = "SELECT deal_id, entered_stage, skipped_stages FROM stage_violations ORDER BY deal_id, entered_at"
        try project.run(asOf: "2026-11-20")
        let found = [["D2", "EXECUTING", "PREPARATION"], ["D2", "WON", "PREPARATION"], ["D3", "EXECUTING", "NEW,PREPARATION"],
                     ["D6", "PREPARATION", "NEW"]]
        XCTAssertEqual(try project.rows(skips), found)
        let again = try project.run(asOf: "2026-11-21")
        XCTAssertEqual(again.stats.map(\.rowsLoaded), [0, 0, 0])
        XCTAssertEqual(try project.rows(skips), found)
        let funnels = project.dir.appendingPathComponent("config/funnels.yml")
        try String(contentsOf: funnels, encoding: .utf8)
            .replacingOccurrences(of: "{id: PREPARATION, required: true, max_days: 5}", with: "{id: PREPARATION, max_days: 5}")
            .write(to: funnels, atomically: true, encoding: .utf8)
        let changed = try project.run(asOf: "2026-11-21")
        XCTAssertEqual(changed.stats.map(\.rowsLoaded), [0, 0, 0])
        XCTAssertEqual(try project.rows(skips), [["D3", "EXECUTING", "NEW"], ["D6", "PREPARATION", "NEW"]])
    }

    func testFunnelReachedAndConversion() throws {
        XCTAssertEqual(try project.rows("""
            SELECT period_start, period_end, stage_id, stage_order, reached, ROUND(conversion, 4) FROM funnel
            WHERE rep_id IS NULL ORDER BY stage_order
            """), [
            ["2026-11-01", "2026-11-30", "NEW", "1", "6", "0.8333"],
            ["2026-11-01", "2026-11-30", "PREPARATION", "2", "5", "0.6"],
            ["2026-11-01", "2026-11-30", "PREPAYMENT_INVOICE", "3", "3", "1.0"],
            ["2026-11-01", "2026-11-30", "EXECUTING", "4", "3", "0.6667"],
            ["2026-11-01", "2026-11-30", "WON", "5", "2", "NULL"],
        ])
        XCTAssertEqual(try project.rows("""
            SELECT rep_id, group_concat(reached, ' '), group_concat(COALESCE(ROUND(conversion, 2), '-'), ' ')
            FROM (SELECT * FROM funnel WHERE rep_id IS NOT NULL ORDER BY rep_id, stage_order) GROUP BY rep_id
            """), [["r01", "4 4 2 2 2", "1.0 0.5 1.0 1.0 -"], ["r02", "2 1 1 1 0", "0.5 1.0 1.0 0.0 -"]])
    }

    func testStuckDealsAndOverdueTasks() throws {
        XCTAssertEqual(try project.rows("SELECT as_of, deal_id, rep_id, stage_id, days_at_stage, max_days FROM stuck_deals ORDER BY deal_id"), [
            ["2026-11-20", "D3", "r02", "EXECUTING", "15", "10"], ["2026-11-20", "D5", "r01", "PREPARATION", "10", "5"],
        ])
        XCTAssertEqual(try project.rows("SELECT task_id, rep_id, deadline_at, closed_at, overdue_days FROM overdue_tasks ORDER BY task_id"), [
            ["T1", "r01", "2026-11-10T15:00:00Z", "2026-11-12T07:00:00Z", "1"],   // closed late
            ["T3", "r02", "2026-11-17T15:00:00Z", "NULL", "3"],                   // open past its deadline
        ])
    }

    func testRepDailyCRMColumns() throws {
        XCTAssertEqual(try project.rows("""
            SELECT rep_id, local_date, meetings, meeting_mins, leads_new, leads_junk, deals_won, revenue_won FROM rep_daily
            WHERE meetings + leads_new + leads_junk + deals_won > 0 ORDER BY local_date, rep_id
            """), [
            ["r01", "2026-11-10", "0", "0", "3", "0", "0", "0.0"],
            ["r02", "2026-11-10", "0", "0", "1", "0", "0", "0.0"],
            ["r01", "2026-11-11", "1", "90", "0", "0", "0", "0.0"],
            ["r02", "2026-11-11", "0", "0", "2", "2", "0", "0.0"],
            ["r01", "2026-11-12", "0", "0", "1", "0", "1", "50000.0"],
            ["r01", "2026-11-13", "0", "0", "0", "0", "1", "20000.5"],
            ["r01", "2026-11-19", "1", "60", "1", "0", "0", "0.0"],
        ])
    }

    func testPaymentsBelongToTheirDealsRep() throws {
        XCTAssertEqual(try project.rows("SELECT payment_id, deal_id, rep_id, local_date, amount FROM payments ORDER BY payment_id"), [
            ["П-1", "D1", "r01", "2026-11-14", "50000.0"], ["П-2", "D2", "r01", "2026-11-16", "10000.0"],
        ])
        XCTAssertEqual(try project.rows("SELECT src_line, reason FROM rejects WHERE source = 'payments'"),
                       [["4", "bad or missing paid_at '31.11.2026' (expected dd.MM.yyyy)"]])
        XCTAssertEqual(try project.rows("SELECT local_date, payments_amount FROM rep_daily WHERE payments_amount > 0 ORDER BY 1"),
                       [["2026-11-14", "50000.0"], ["2026-11-16", "10000.0"]])
    }

    func testJunkWithoutReasonIsZeroOrOneForEveryJunkLeadAndTheSLAEdgesAreSeconds() throws {
        let project = try TestProject(sources: [
            ("pbx", "asterisk_cdr", ["lead_edge_calls.csv"], ""),
            ("leads", "bitrix24_rest", ["edges/leads_junk_and_sla_edges.json"], "    method: crm.lead.list\n"),
        ])
        defer { project.remove() }
        try project.run(asOf: "2026-11-10")
        XCTAssertEqual(try project.rows("""
            SELECT lead_id, status_semantic, response_mins, sla_breached, junk_without_reason FROM leads ORDER BY lead_id
            """), [
            ["J1", "junk", "4", "0", "1"],      // junked (DATE_CLOSED 15:02) before its first call (15:04)
            ["J2", "junk", "10", "0", "0"],     // junked (MOVED_TIME 16:30) after its first call, with a reason
            ["S1", "open", "15", "0", "NULL"],  // 900 s: within the SLA
            ["S2", "open", "15", "1", "NULL"],  // 901 s: breached, still shows 15 minutes
        ])
    }
}
