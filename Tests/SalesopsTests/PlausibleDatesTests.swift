import Foundation
import XCTest

/// One plausibility window for every timestamp of every reader (`company.plausible_dates`): a
/// required time outside it is a located reject, an optional one ("never") becomes NULL.
final class PlausibleDatesTests: XCTestCase {
    func testEveryReaderAppliesTheSameWindow() throws {
        let project = try TestProject(sources: [
            ("pbx", "asterisk_cdr", ["start_in_year_9999.csv"], ""),
            ("mail", "mbox", ["implausible_dates.mbox"], ""),
            ("deals", "bitrix24_rest", ["deals_implausible_dates.json"], "    method: crm.deal.list\n"),
            ("tasks", "bitrix24_rest", ["tasks_never_deadline.json"], "    method: tasks.task.list\n"),
        ])
        defer { project.remove() }
        // The night that used to fail with exit 74 (a funnel month ending in year 10000) now runs,
        // reports included.
        try project.run(asOf: "2026-11-20", reports: true)
        XCTAssertEqual(try project.rows("SELECT source, src_line, reason FROM rejects ORDER BY source, src_line"), [
            ["deals", "3", "created_at 9999-12-01T07:15:00Z is outside the plausible dates 2000-01-01 to 2099-12-31 (company.plausible_dates)"],
            ["deals", "4", "created_at 0000-12-31T21:00:00Z is outside the plausible dates 2000-01-01 to 2099-12-31 (company.plausible_dates)"],
            ["mail", "1", "the Date header is not a date: 'Mon, 30 Feb 2026 12:15:00 +0300'"],
            ["mail", "10", "the date 2150-11-10T09:15:00Z is outside the plausible dates 2000-01-01 to 2099-12-31 (company.plausible_dates)"],
            ["pbx", "1", "the start time 9999-12-31T13:00:00Z is outside the plausible dates 2000-01-01 to 2099-12-31 (company.plausible_dates)"],
        ])
        XCTAssertEqual(try project.rows("SELECT deal_id, stage_semantic, closed_at FROM deals"), [["71", "open", "NULL"]])
        XCTAssertEqual(try project.rows("SELECT task_id, deadline_at FROM tasks"), [["801", "NULL"]])
        XCTAssertEqual(try project.rows("SELECT call_id FROM calls"), [["1762779900.51"]])
        XCTAssertEqual(try project.rows("SELECT message_id FROM emails"), [["ok@romashka.ru"]])
        XCTAssertEqual(try project.rows("SELECT source, rows_read, rows_loaded, rows_rejected FROM etl_sources ORDER BY source"), [
            ["deals", "3", "1", "2"], ["mail", "3", "1", "2"], ["pbx", "2", "1", "1"], ["tasks", "1", "1", "0"],
        ])
    }

    func testTheWindowIsConfigurable() throws {
        let project = try TestProject.asterisk("start_in_year_9999.csv")
        defer { project.remove() }
        let company = project.dir.appendingPathComponent("config/company.yml")
        var yaml = try String(contentsOf: company, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "  max_extension_digits: 4\n",
                                         with: "  max_extension_digits: 4\n  plausible_dates: {from: 2026-11-10, to: 2026-11-10}\n")
        try yaml.write(to: company, atomically: true, encoding: .utf8)
        try project.run()
        XCTAssertEqual(try project.rows("SELECT call_id FROM calls"), [["1762779900.51"]])
        yaml = yaml.replacingOccurrences(of: "to: 2026-11-10}", with: "to: 2026-11-09}")
        try yaml.write(to: company, atomically: true, encoding: .utf8)
        let (code, _, err) = try runProcess(salesopsBinary, ["validate", "--project", project.dir.path])
        XCTAssertEqual(code, 64)
        XCTAssertTrue(err.contains("company.plausible_dates.to: must not be before from"), err)
    }
}
