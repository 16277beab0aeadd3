import Foundation
import SalesopsConfig
import SalesopsCore
import SalesopsLoad
import SalesopsSQLite
import XCTest

/// The warehouse's models (`rep_period`, `alerts`) on small fact sets: a fixture folder per case holds
/// its `config/` and a `facts.sql` that fills the fact tables the models read.
final class ModelTests: XCTestCase {
    struct Built {
        let warehouse: Warehouse
        let dir: URL

        func rows(_ sql: String) throws -> [[String]] {
            try warehouse.db.query(sql).map { $0.map { $0.string ?? "NULL" } }
        }

        func remove() {
            warehouse.close()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    /// Loads the case's config, its facts, and builds every model as of `asOf`.
    func build(_ name: String, asOf: String = "2026-11-20") throws -> Built {
        let fixture = Fixtures.root.appendingPathComponent("models/\(name)")
        let config = try ConfigLoader.loadProject(at: fixture)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let warehouse = try Warehouse(path: dir.appendingPathComponent("warehouse.sqlite").path)
        let day = try XCTUnwrap(CivilTime.days(fromDateString: asOf))
        let clock = try XCTUnwrap(ZoneClock(identifier: config.company.timeZone))
        try warehouse.run {
            try warehouse.refreshReference(config: config, calendar: (day - 60)...(day + 31))
            try warehouse.refreshFunnels(config.funnels)
            try warehouse.db.execute(String(contentsOf: fixture.appendingPathComponent("facts.sql"), encoding: .utf8))
            try warehouse.beginScratch()
            try warehouse.buildModels(asOf: day, clock: clock, allDates: true)
        }
        return Built(warehouse: warehouse, dir: dir)
    }

    func testActivityAlertsSkipAbsencesAndHolidaysAndProrateNorms() throws {
        let built = try build("activity_alerts")
        defer { built.remove() }
        XCTAssertEqual(try built.rows("SELECT alert_id, rep_id, kind, severity, message, evidence FROM alerts ORDER BY alert_id"), [
            // 5 of 8 today and 25 of 40 this week: 62 %, medium.
            ["below_norm:r01:calls_effective", "r01", "below_norm", "medium",
             "Effective calls: 5 of 8 today (62%); 25 of 40 this week so far (62%)",
             #"["2026-11-16..2026-11-20"]"#],
            // Darya started on the 16th: her norm counts from then. Team B's norm is a week's (40), so
            // it is judged on the week so far, not on one day.
            ["below_norm:r05:calls_effective", "r05", "below_norm", "medium",
             "Effective calls: 30 of 40 this week so far (75%)",
             #"["2026-11-16..2026-11-20"]"#],
            // The 20 working days before the last 5 reach back to 16 October because 4 November is a holiday.
            ["decline:r01:calls_effective", "r01", "decline", "high",
             "Effective calls: 5.0 a day over the last 5 working days against 10.0 over the 20 before (−50%)",
             #"["2026-11-16..2026-11-20","2026-10-16..2026-11-13"]"#],
        ])
        // Vera is on vacation on the as-of day: no activity alert, and her week's norm has her 2 working days.
        // Gleb's two sick days are out of his last 5 working days, so his pace has not declined.
        XCTAssertEqual(try built.rows("""
            SELECT rep_id, period, value, norm, working_days FROM rep_period
            WHERE metric = 'calls_effective' AND scope = 'rep' AND rep_id IN ('r03', 'r04', 'r05') ORDER BY rep_id, period
            """), [
            ["r03", "day", "0", "0", "0"], ["r03", "mtd", "110", "88", "11"], ["r03", "prev_week", "50", "40", "5"],
            ["r03", "wtd", "20", "16", "2"],
            // Team B's 40 a week: 10 a day in the holiday week of 2–6 November, 8 in the others.
            ["r04", "day", "10", "8", "1"], ["r04", "mtd", "120", "104", "12"], ["r04", "prev_week", "50", "40", "5"],
            ["r04", "wtd", "30", "24", "3"],
            ["r05", "day", "6", "8", "1"], ["r05", "mtd", "30", "40", "5"], ["r05", "prev_week", "0", "0", "0"],
            ["r05", "wtd", "30", "40", "5"],
        ])
        // The department: the reps' figures and norms summed; the same rows the run summary reads.
        XCTAssertEqual(try built.rows("""
            SELECT period, value, norm FROM rep_period WHERE scope = 'department' AND metric = 'calls_effective' ORDER BY period
            """), [["day", "31", "32"], ["mtd", "515", "456"], ["prev_week", "200", "160"], ["wtd", "155", "160"]])
        let headline = try built.warehouse.dayHeadline(localDate: "2026-11-20")
        XCTAssertEqual([headline.effective, Int(headline.effectiveNorm), headline.alerts], [31, 32, 3])
    }

    func testListAlertsOfEveryKindWithTheirEvidence() throws {
        let built = try build("list_alerts")
        defer { built.remove() }
        XCTAssertEqual(try built.rows("SELECT alert_id, rep_id, kind, severity, message, evidence FROM alerts ORDER BY alert_id"), [
            ["junk_without_reason:r02:medium", "r02", "junk_without_reason", "medium",
             "Leads junked without a reason or before any contact: 1", #"["L4"]"#],
            ["lead_sla:r01:high", "r01", "lead_sla", "high", "Leads not contacted within the SLA (15 min): 1", #"["L1"]"#],
            ["lead_sla:r01:medium", "r01", "lead_sla", "medium",
             "Leads first contacted after the SLA (15 min) in the last working day: 1", #"["L2"]"#],
            ["missed_no_callback:r01:high", "r01", "missed_no_callback", "high", "Missed calls not called back: 1", #"["M1"]"#],
            ["missed_no_callback:r02:medium", "r02", "missed_no_callback", "medium",
             "Missed calls called back later than 60 min: 1", #"["M2"]"#],
            ["no_data:branch_pbx", "NULL", "no_data", "high",
             "No data from source 'branch_pbx' for 2026-11-20: it usually delivers every working day", #"["branch_pbx"]"#],
            ["overdue_task:r01:low", "r01", "overdue_task", "low",
             "Tasks closed after their deadline in the last working day: 1", #"["T3"]"#],
            ["overdue_task:r01:medium", "r01", "overdue_task", "medium", "Open overdue tasks: 1", #"["T1"]"#],
            ["overdue_task:r02:high", "r02", "overdue_task", "high", "Open tasks more than a week overdue: 1", #"["T2"]"#],
            ["stage_skip:r01:medium", "r01", "stage_skip", "medium", "Deals that skipped required stages: 1", #"["D1"]"#],
            ["stuck_deal:r02:high", "r02", "stuck_deal", "high", "Deals at a stage for more than twice its limit: 1", #"["D2"]"#],
            // D2: no activity at all since its creation on the 10th, and nothing planned.
            ["untouched_deal:r02:high", "r02", "untouched_deal", "high",
             "Deals with no contact for too long and nothing planned: 1", #"["D2"]"#],
        ])
        // Each item's evidence row says what it is.
        XCTAssertEqual(try built.rows("SELECT item_id, item, detail FROM alert_evidence ORDER BY alert_id, position"), [
            ["L4", "Lead L4", "junked without a reason"],
            ["L1", "Lead L1", "no contact for 0 d 14 h · +7 999 000-00-01"],
            ["L2", "Lead L2", "first contact after 40 min"],
            ["M1", "+79990000011", "not called back"],
            ["M2", "+79990000012", "called back after 120 min"],
            ["T3", "Task T3", "0 days overdue"],   // closed 19 hours after its deadline
            ["T1", "Task T1", "2 days overdue"],
            ["T2", "Task T2", "15 days overdue"],
            ["D1", "Deal D1", "skipped: PREP"],
            ["D2", "Deal D2", "PREP: 9 days, limit 3"],
            ["D2", "Deal D2", "no contact for 10 days; nothing planned"],
        ])
    }

    /// A report for an earlier date rebuilds the as-of models for it: the alerts of the 19th know
    /// nothing of the 20th.
    func testAlertsForAnEarlierDateUseOnlyWhatWasKnownThen() throws {
        let built = try build("list_alerts")
        defer { built.remove() }
        let clock = try XCTUnwrap(ZoneClock(identifier: "Europe/Moscow"))
        try built.warehouse.run {
            try built.warehouse.prepareReport(asOf: try XCTUnwrap(CivilTime.days(fromDateString: "2026-11-19")), clock: clock)
        }
        XCTAssertEqual(try built.rows("SELECT alert_id, evidence FROM alerts WHERE as_of = '2026-11-19' ORDER BY alert_id"), [
            ["overdue_task:r01:medium", #"["T1","T3"]"#],   // both open then: T3 was closed on the 20th
            ["overdue_task:r02:high", #"["T2"]"#],
            ["stuck_deal:r02:high", #"["D2"]"#],
            ["untouched_deal:r02:high", #"["D2"]"#],   // 9 days since its creation, more than 7
        ])
        // The alerts of the 20th stay as they were built.
        XCTAssertEqual(try built.rows("SELECT COUNT(*) FROM alerts WHERE as_of = '2026-11-20'"), [["12"]])
    }

    /// The definitions stored in `models` are the ones built, and run as they stand: re-running each
    /// table model's SQL from the warehouse (as an analyst would in `sqlite3`) gives the same rows.
    func testTheStoredDefinitionsRunAsTheyStandAndRebuildTheSameRows() throws {
        let built = try build("list_alerts")
        defer { built.remove() }
        let tables = try built.rows("SELECT name FROM models WHERE kind = 'table' ORDER BY position").map { $0[0] }
        XCTAssertEqual(tables, ["rep_daily_calls", "rep_daily_mail", "missed_calls", "crm_owners", "lead_contact",
                                "stage_violations", "funnel", "stuck_deals", "overdue_tasks", "lead_conversion", "untouched_deals",
                                "worktime_days", "rep_daily", "rep_period", "alerts"])
        let relations = ["rep_daily_calls", "missed_calls", "leads", "stage_violations", "funnel", "stuck_deals", "overdue_tasks",
                         "lead_conversion", "untouched_deals", "worktime_days", "rep_daily", "rep_period", "alerts"]
        func snapshot() throws -> [[[String]]] { try relations.map { try built.rows("SELECT * FROM \($0) ORDER BY 1, 2, 3") } }
        let before = try snapshot()
        for sql in try built.rows("SELECT sql FROM models WHERE kind = 'table' ORDER BY position").map({ $0[0] }) {
            try built.warehouse.db.execute(sql)
        }
        XCTAssertEqual(try snapshot(), before)
        // Every view is defined as stored and reads.
        for view in try built.rows("SELECT name, sql FROM models WHERE kind = 'view'") {
            XCTAssertEqual(try built.rows("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = '\(view[0])'"),
                           [["CREATE VIEW \(view[0]) AS\n\(view[1])"]])
            XCTAssertNoThrow(try built.rows("SELECT COUNT(*) FROM \(view[0])"))
        }
    }

    func testLeadConversionAndUntouchedDeals() throws {
        let built = try build("lead_conversion")
        defer { built.remove() }
        // See facts.sql: the week (16-20 Nov) holds A2-A6 and B1, the month A1 too.
        XCTAssertEqual(try built.rows("""
            SELECT period, scope, COALESCE(rep_id, '-'), created, converted, junk, open, round(conversion_of_closed, 4),
                   round(conversion_of_created, 4), response_median_mins, response_p90_mins, round(within_sla_share, 4)
            FROM lead_conversion ORDER BY period DESC, scope DESC, rep_id
            """), [
            ["wtd", "rep", "r01", "5", "1", "1", "3", "0.5", "0.2", "15.0", "40", "0.4"],
            ["wtd", "rep", "r02", "1", "1", "0", "0", "1.0", "1.0", "1.0", "1", "1.0"],
            ["wtd", "department", "-", "6", "2", "1", "3", "0.6667", "0.3333", "10.0", "40", "0.5"],
            ["mtd", "rep", "r01", "6", "2", "1", "3", "0.6667", "0.3333", "10.0", "40", "0.5"],
            ["mtd", "rep", "r02", "1", "1", "0", "0", "1.0", "1.0", "1.0", "1", "1.0"],
            ["mtd", "department", "-", "7", "3", "1", "3", "0.75", "0.4286", "7.5", "40", "0.5714"],
        ])
        XCTAssertEqual(try built.rows("""
            SELECT deal_id, rep_id, stage_id, COALESCE(last_contact_at, '-'), days_without_contact, planned
            FROM untouched_deals ORDER BY deal_id
            """), [
            ["D-A1", "r01", "NEW", "2026-11-19T07:00:00Z", "1", "0"],    // called on the 19th, nothing planned
            ["D-OLD", "r02", "NEW", "2026-11-10T07:00:00Z", "10", "1"],  // a meeting planned, no contact for 10 days
        ])
        XCTAssertEqual(try built.rows("SELECT alert_id, message, evidence FROM alerts WHERE kind = 'untouched_deal' ORDER BY 1"), [
            ["untouched_deal:r01:low", "Deals with nothing planned: 1", #"["D-A1"]"#],
            ["untouched_deal:r02:medium", "Deals with no contact for too long: 1", #"["D-OLD"]"#],
        ])
        XCTAssertEqual(try built.rows("SELECT item_id, detail FROM alert_evidence WHERE kind = 'untouched_deal' ORDER BY 1"), [
            ["D-A1", "no contact for 1 days; nothing planned"], ["D-OLD", "no contact for 10 days"],
        ])
    }
}
