import SalesopsCore
import SalesopsExtract
import XCTest

/// Work time through the whole run (SPEC "Work time", FORMATS §3.7a): Bitrix24 `timeman.status`
/// snapshots, user calendars and an access-control export, into `worktime_days` and `rep_daily`.
final class WorktimeTests: XCTestCase {
    func project() throws -> TestProject {
        let timeman = ["timeman_11_2026-11-16.json", "timeman_11_2026-11-17.json", "timeman_11_2026-11-18_1.json",
                       "timeman_11_2026-11-18_2.json", "timeman_11_2026-11-19.json", "timeman_wrapped.json"]
        return try TestProject(sources: [
            ("timeman", "bitrix24_rest", timeman.map { "worktime/\($0)" }, "    method: timeman.status\n"),
            ("calendars", "bitrix24_rest", ["worktime/calendar_11.json", "worktime/calendar_12.json"],
             "    method: calendar.event.get\n"),
            ("turnstiles", "mapped_csv_worktime", ["access_office.csv"],
             "    format: {delimiter: \";\", encoding: windows-1251, header: true, date_format: \"dd.MM.yyyy HH:mm:ss\"}\n"
                + "    columns: {date: Дата, time: Время, person: Пропуск, direction: Направление, door: Точка прохода}\n"),
        ])
    }

    func testWorkdaysFromSnapshotsCalendarsAndTurnstiles() throws {
        let project = try project()
        defer { project.remove() }
        let outcome = try project.run(asOf: "2026-11-20")
        XCTAssertTrue(outcome.stats.allSatisfy(\.balances))
        XCTAssertEqual(try project.rows("""
            SELECT rep_id, local_date, work_start, work_end, work_mins, break_mins, office_mins, field_mins,
                   COALESCE(late_mins, '-'), status, source
            FROM worktime_days ORDER BY rep_id, local_date
            """), [
            // Anna (CRM worktime). The 16th: 09:00-18:30 less 45 min of breaks; a trip 13:00-17:00 and a
            // client meeting 15:00-18:00 overlap: 5 hours out, counted once; the office gets the rest.
            ["r01", "2026-11-16", "09:00", "18:30", "525", "45", "225", "300", "0", "closed", "timeman"],
            // A late start: 40 minutes after 09:00.
            ["r01", "2026-11-17", "09:40", "18:10", "480", "30", "480", "0", "40", "closed", "timeman"],
            // Seen open on one night and closed on the next: the later snapshot wins.
            ["r01", "2026-11-18", "09:05", "18:00", "475", "60", "475", "0", "5", "closed", "timeman"],
            // Never closed: the system expired it; it ends at the schedule's end and is flagged.
            ["r01", "2026-11-19", "08:50", "18:00", "550", "0", "550", "0", "0", "expired", "timeman"],
            // Still open at the as-of time (the end of the 20th; the user came in a wrapper).
            ["r01", "2026-11-20", "09:15", "24:00", "885", "0", "885", "0", "15", "open", "timeman"],
            // Boris (calendar only): a weekly client meeting on Tuesdays and Thursdays from 3 November,
            // the 19th excepted (EXDATE; he is on vacation then); an all-day exhibition on the 13th counts
            // his working hours. The cancelled trip (deleted), the company calendar's meeting, the
            // meeting he declined and the stand-up in a meeting room count nowhere.
            ["r02", "2026-11-03", "10:00", "11:00", "60", "0", "0", "60", "-", "field", "calendar"],
            ["r02", "2026-11-05", "10:00", "11:00", "60", "0", "0", "60", "-", "field", "calendar"],
            ["r02", "2026-11-10", "10:00", "11:00", "60", "0", "0", "60", "-", "field", "calendar"],
            ["r02", "2026-11-12", "10:00", "11:00", "60", "0", "0", "60", "-", "field", "calendar"],
            ["r02", "2026-11-13", "09:00", "18:00", "540", "0", "0", "540", "-", "field", "calendar"],
            ["r02", "2026-11-17", "10:00", "11:00", "60", "0", "0", "60", "-", "field", "calendar"],
            // Vera (turnstiles; team B works from 10:00): in 10:05, out 13:00, in 14:00, out 19:10.
            ["r03", "2026-11-16", "10:05", "19:10", "485", "59", "485", "0", "5", "closed", "access"],
            // No exit after the 14:05 entry: the day closes at its last pass, flagged.
            ["r03", "2026-11-17", "09:50", "14:05", "200", "55", "200", "0", "0", "no_exit", "access"],
        ])
        // The figures reach rep_daily (and so norms, rep_period and alerts).
        XCTAssertEqual(try project.rows("""
            SELECT rep_id, SUM(work_mins), SUM(field_mins) FROM rep_daily GROUP BY rep_id ORDER BY rep_id
            """), [["r01", "2915", "300"], ["r02", "840", "840"], ["r03", "685", "0"]])
        XCTAssertEqual(try project.rows("""
            SELECT value FROM rep_period WHERE period = 'wtd' AND scope = 'rep' AND rep_id = 'r01' AND metric = 'work_mins'
            """), [["2915"]])
        // The vacation in Boris's calendar makes the 19th and 20th absences: no norm, no alert for him,
        // while Anna and Vera, who made no calls, are below the norm of 2 effective calls a day.
        XCTAssertEqual(try project.rows("""
            SELECT local_date, working, absence_kind FROM rep_days WHERE rep_id = 'r02' AND local_date BETWEEN '2026-11-18' AND '2026-11-20'
            ORDER BY local_date
            """), [["2026-11-18", "1", "NULL"], ["2026-11-19", "0", "Отпуск"], ["2026-11-20", "0", "Отпуск"]])
        XCTAssertEqual(try project.rows("SELECT DISTINCT rep_id FROM alerts WHERE kind = 'below_norm' ORDER BY rep_id"),
                       [["r01"], ["r03"]])
        // The raw facts keep what the sources said: the event's CRM bindings and rule, every pass (the
        // guest's too), and the located rejects.
        XCTAssertEqual(try project.rows("SELECT event_id, rrule, crm_bindings FROM calendar_events WHERE event_id = '301'"),
                       [["301", "BYDAY=TU,TH;FREQ=WEEKLY;INTERVAL=1;UNTIL=01/01/2038", #"["CO_7","D_37"]"#]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*), SUM(person = '00999') FROM access_events"), [["8", "1"]])
        XCTAssertEqual(try project.rows("SELECT source, src_file, src_line, reason FROM rejects ORDER BY source, src_line"), [
            ["calendars", "input/calendars/calendar_11.json", "59", "no DATE_FROM_TS_UTC"],
            ["turnstiles", "input/turnstiles/access_office.csv", "10",
             "direction 'Проход' is neither in nor out (map it under values.direction)"],
        ])
        let calendar = try XCTUnwrap(outcome.stats.first { $0.source == "calendars" })
        XCTAssertEqual(calendar.filtered, ["not a user calendar (CAL_TYPE company_calendar)": 1,
                                           "a meeting its calendar's owner declined": 1])
    }

    func testAnotherNightsSnapshotUpdatesTheDay() throws {
        let project = try TestProject(sources: [
            ("timeman", "bitrix24_rest", ["worktime/timeman_11_2026-11-18_1.json"], "    method: timeman.status\n"),
        ])
        defer { project.remove() }
        try project.run(asOf: "2026-11-18")
        XCTAssertEqual(try project.rows("SELECT work_start, work_end, work_mins, status FROM worktime_days"),
                       [["09:05", "24:00", "895", "open"]])
        try FileManager.default.copyItem(
            atPath: Fixtures.root.appendingPathComponent("crm/worktime/timeman_11_2026-11-18_2.json").path,
            toPath: project.dir.appendingPathComponent("input/timeman/timeman_11_2026-11-18_2.json").path)
        try project.run(asOf: "2026-11-19")
        XCTAssertEqual(try project.rows("SELECT work_start, work_end, work_mins, status FROM worktime_days"),
                       [["09:05", "18:00", "475", "closed"]])
        XCTAssertEqual(try project.rows("SELECT work_mins FROM rep_daily WHERE rep_id = 'r01' AND local_date = '2026-11-18'"),
                       [["475"]])
    }

    /// A wrapper's members reach the record whether they come before or after `result`; the record keeps
    /// the line its `result` starts on.
    func testAPageWrapperNamesTheUserOfASingleRecord() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wrapper-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            {
             "result": {
              "STATUS": "CLOSED"
             },
             "USER_ID": "7"
            }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        var seen: [(String?, Int, String?)] = []
        try BitrixRESTDump.forEachRecord(path: path) { value, line, page in seen.append((value["STATUS"]?.text, line, page["USER_ID"])) }
        XCTAssertEqual(seen.map { "\($0.0 ?? "-") \($0.1) \($0.2 ?? "-")" }, ["CLOSED 2 7"])
    }

    func testRecurrenceRulesExpandOnTheEventsWallClock() throws {
        func day(_ text: String) -> Int { CivilTime.days(fromDateString: text)! }
        func dates(_ rule: Recurrence, _ first: String, _ horizon: String) -> [String] {
            rule.dates(first: day(first), horizon: day(horizon)).map { CivilTime.dateString(days: $0) }
        }
        let weekly = try XCTUnwrap(Recurrence.parse(fields: ["FREQ": "WEEKLY", "INTERVAL": "2", "BYDAY": "MO,FR", "COUNT": "4"],
                                                    exdates: "13.11.2026"))
        // Every other week on Monday and Friday, four occurrences, the second skipped (it still counts).
        XCTAssertEqual(dates(weekly, "2026-11-09", "2026-12-31"), ["2026-11-09", "2026-11-23", "2026-11-27"])
        let monthly = try XCTUnwrap(Recurrence.parse(fields: ["FREQ": "MONTHLY", "UNTIL": "2027-05-01"], exdates: ""))
        // The 31st: months without one have no occurrence.
        XCTAssertEqual(dates(monthly, "2026-12-31", "2027-12-31"), ["2026-12-31", "2027-01-31", "2027-03-31"])
        XCTAssertNil(try Recurrence.parse(fields: ["FREQ": "NONE"], exdates: ""))
        XCTAssertThrowsError(try Recurrence.parse(fields: ["FREQ": "WEEKLY", "BYDAY": "2MO"], exdates: ""))
        XCTAssertEqual(Recurrence.localeDate("11/28/2024"), day("2024-11-28"))
        XCTAssertEqual(Recurrence.localeDate("28.11.2024 10:00:00"), day("2024-11-28"))
        XCTAssertNil(Recurrence.localeDate("13/28/2024"))
    }
}
