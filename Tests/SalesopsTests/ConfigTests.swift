import Foundation
import SalesopsConfig
import SalesopsCore
import XCTest

final class ConfigTests: XCTestCase {
    func testEveryProblemIsReportedWithFileLineAndKeyPath() {
        let dir = Fixtures.root.appendingPathComponent("config_errors")
        let problems = ConfigLoader.validate(projectDir: dir, pipelineFile: dir.appendingPathComponent("pipelines/nightly.yml"),
                                             pipelineName: "pipelines/nightly.yml").map(\.description)
        XCTAssertEqual(problems, [
            "config/company.yml:3: company.time_zone: unknown time zone 'Europe/Moskow' (use an IANA name such as Europe/Moscow)",
            "config/company.yml:6: company.holidays: expected dates as YYYY-MM-DD, got '2026-13-01'",
            "config/company.yml:7: company.report_language: expected ru or en, got 'de'",
            "config/company.yml:5: company.busines_days: unknown key",
            "config/team.yml:8: reps[1].extension: unknown key",
            "config/team.yml:12: norms.per_day.callz_out: unknown metric (known: work_mins, field_mins, calls_out, calls_in, calls_effective, talk_mins, "
                + "meetings, meeting_mins, proposals, emails_out, chats, leads_new, deals_won, revenue_won, payments_amount)",
            "config/team.yml:14: thresholds.effective_call_secs: expected a whole number from 0 to 3600, got 'thirty'",
            "pipelines/nightly.yml:5: sources[0].type: unknown telephony extractor type 'asterisk_csv' (known: asterisk_cdr, freepbx_cdr, mapped_csv, bitrix24_rest)",
            "pipelines/nightly.yml:12: sources[1].format.delimiter: expected one ASCII character, got ';;'",
            "pipelines/nightly.yml:15: sources[1].columns.talk: unknown field (known: call_id, started_at, src, dst, duration, billsec, disposition, direction, answered_by, did, sequence)",
            "pipelines/nightly.yml:13: sources[1].columns: mapped_csv needs a column for 'src'",
            "pipelines/nightly.yml:13: sources[1].columns: mapped_csv needs a column for 'dst'",
            "pipelines/nightly.yml:18: sinks.report: unknown key",
        ])
    }

    func testFunnelAndCRMSourceProblemsAreLocated() throws {
        let funnels = """
            funnels:
              - pipeline: "0"
                stages:
                  - {id: NEW, required: yes}
                  - {id: WON, final: won, max_days: 3}
                  - {id: LOSE, final: gone}
                  - {id: NEW}
              - pipeline: "0"
                stages: []
            """
        let pipeline = """
            name: nightly
            sources:
              - {name: deals, kind: crm, type: bitrix24_rest, method: crm.deals.get, path: "input/*.json"}
              - {name: ui, kind: crm, type: bitrix24_csv, path: "input/*.csv"}
              - {name: pay, kind: crm, type: mapped_csv, entity: payments, path: "input/*.csv", columns: {id: N, stage: S}}
            """
        let problems = try configProblems(["config/funnels.yml": funnels, "pipelines/nightly.yml": pipeline])
        XCTAssertEqual(problems, [
            "config/funnels.yml:5: funnels[0].stages[1].final: a final stage is neither required nor limited in days",
            "config/funnels.yml:6: funnels[0].stages[2].final: expected won or lost, got 'gone'",
            "config/funnels.yml:3: funnels[0].stages: a stage is listed twice",
            "config/funnels.yml:9: funnels[1].stages: a funnel needs its stages in order",
            "config/funnels.yml:8: funnels[1].pipeline: pipeline '0' already has a funnel",
            "pipelines/nightly.yml:3: sources[0].method: unknown Bitrix24 method 'crm.deals.get' (known: crm.lead.list, crm.deal.list, crm.stagehistory.list, crm.activity.list, crm.status.list, user.get, tasks.task.list, timeman.status, calendar.event.get)",
            "pipelines/nightly.yml:4: sources[1].entity: required key is missing",
            "pipelines/nightly.yml:5: sources[2].columns.stage: unknown field (known: id, deal_id, paid_at, amount, currency, responsible)",
            "pipelines/nightly.yml:5: sources[2].columns: mapped_csv needs a column for 'paid_at'",
            "pipelines/nightly.yml:5: sources[2].columns: mapped_csv needs a column for 'amount'",
        ])
    }

    func testWorktimeSchedulesBadgesAndSourcesAreChecked() throws {
        let team = """
            reps:
              - {id: r01, name: Anna, team: A, badges: ["0417"], workday: {start: "09:75", end: "18:00"}}
              - {id: r02, name: Boris, team: A, badges: ["0417"], workday: {start: "18:00", end: "09:00"}}
            teams:
              A: {workday: {start: "25:00", end: "18:00"}}
              Z: {workday: {start: "10:00", end: "19:00"}}
            worktime:
              trip_patterns: [командировка]
              vacation_patterns: [отпуск]
            """
        let pipeline = """
            name: nightly
            sources:
              - {name: gate, kind: worktime, type: mapped_csv, path: "input/*.csv", columns: {person: A, direction: B, badge: C}}
              - {name: gate2, kind: worktime, type: asterisk_cdr, path: "input/*.csv"}
              - {name: tm, kind: crm, type: bitrix24_rest, method: timeman.status, path: "input/*.json"}
            """
        let problems = try configProblems(["config/team.yml": team, "pipelines/nightly.yml": pipeline])
        XCTAssertEqual(problems, [
            "config/team.yml:2: reps[0].workday.start: expected a time as HH:MM, got '09:75'",
            "config/team.yml:3: reps[1].workday.end: must be after start",
            "config/team.yml:5: teams.A.workday.start: expected a time as HH:MM, got '25:00'",
            "config/team.yml:9: worktime.vacation_patterns: unknown key",
            "config/team.yml:3: reps[1].badges: badge '0417' also belongs to rep 'r01' (config/team.yml:2): its records would go to one of them at random",
            "config/team.yml:0: teams.Z: no rep is in this team",
            "pipelines/nightly.yml:3: sources[0].columns.badge: unknown field (known: person, at, date, time, direction, door)",
            "pipelines/nightly.yml:3: sources[0].columns: mapped_csv of an access-control log needs the time: a column 'at', or 'date' and 'time'",
            "pipelines/nightly.yml:4: sources[1].type: unknown worktime extractor type 'asterisk_cdr' (known: mapped_csv)",
        ])
    }

    func testYAMLSyntaxErrorIsLocated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("config"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "company:\n  time_zone: [Europe/Moscow\n  name: x\n".write(to: dir.appendingPathComponent("config/company.yml"),
                                                                      atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConfigLoader.loadProject(at: dir)) { error in
            let diagnostics = (error as? ConfigErrors)?.diagnostics ?? []
            XCTAssertEqual(diagnostics.first?.file, "config/company.yml")
            XCTAssertTrue(diagnostics.first?.message.hasPrefix("YAML syntax error") ?? false, "\(diagnostics)")
        }
    }

    func testFixtureProjectLoads() throws {
        let config = try ConfigLoader.loadProject(at: Fixtures.root.appendingPathComponent("project"))
        XCTAssertEqual(config.company.timeZone, "Europe/Moscow")
        XCTAssertEqual(config.reps.map(\.id), ["r01", "r02", "r03"])
        XCTAssertEqual(config.norms.norm(.callsEffective, for: config.reps[0]), NormValue(per: .day, value: 2))
        XCTAssertEqual(config.company.reportLanguage, .en)
        XCTAssertTrue(config.company.isBusinessDay(CivilTime.days(fromDateString: "2026-11-10")!))
        XCTAssertFalse(config.company.isBusinessDay(CivilTime.days(fromDateString: "2026-11-04")!))
        XCTAssertFalse(config.company.isBusinessDay(CivilTime.days(fromDateString: "2026-11-08")!))
    }
}

/// Norms per day, week or month at every level, and absences in the config and in CSV files.
final class NormConfigTests: XCTestCase {
    func project(_ norms: String, absences: String? = nil) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("config"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.root.appendingPathComponent("project/config/company.yml"),
                                         to: dir.appendingPathComponent("config/company.yml"))
        try """
            reps:
              - {id: r01, name: Anna, team: A}
              - {id: r02, name: Boris, team: B}
            \(norms)
            """.write(to: dir.appendingPathComponent("config/team.yml"), atomically: true, encoding: .utf8)
        if let absences { try absences.write(to: dir.appendingPathComponent("config/absences.csv"), atomically: true, encoding: .utf8) }
        return dir
    }

    func testNormsPerDayWeekAndMonthOverrideByTeamAndRep() throws {
        let dir = try project("""
            norms:
              per_day: {calls_out: 25}
              per_week: {proposals: 5}
              per_month: {revenue_won: 1000000}
              teams:
                B:
                  per_week: {calls_out: 100}
              reps:
                r01: {proposals: 2, per_month: {deals_won: 4}}
            absences:
              - {rep: r01, from: 2026-11-16, to: 2026-11-18, kind: vacation}
            absence_files: [config/absences.csv]
            """, absences: "rep,from,to,kind\nr02,2026-11-20,2026-11-20,sick\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try ConfigLoader.loadProject(at: dir)
        let (anna, boris) = (config.reps[0], config.reps[1])
        XCTAssertEqual(config.norms.norm(.callsOut, for: anna), NormValue(per: .day, value: 25))
        XCTAssertEqual(config.norms.norm(.callsOut, for: boris), NormValue(per: .week, value: 100))   // team B
        XCTAssertEqual(config.norms.norm(.proposals, for: anna), NormValue(per: .day, value: 2))      // a bare key: per day
        XCTAssertEqual(config.norms.norm(.proposals, for: boris), NormValue(per: .week, value: 5))
        XCTAssertEqual(config.norms.norm(.dealsWon, for: anna), NormValue(per: .month, value: 4))
        XCTAssertNil(config.norms.norm(.dealsWon, for: boris))
        XCTAssertEqual(config.absences.map { "\($0.rep) \(CivilTime.dateString(days: $0.from))..\(CivilTime.dateString(days: $0.to)) \($0.kind) \($0.file):\($0.line)" },
                       ["r01 2026-11-16..2026-11-18 vacation config/team.yml:14",
                        "r02 2026-11-20..2026-11-20 sick config/absences.csv:2"])
    }

    func testNormAndAbsenceProblemsAreLocated() throws {
        let dir = try project("""
            norms:
              per_day: {calls_out: 25}
              per_week: {calls_out: 100, chats: -1}
              teams:
                Z: {calls_out: 1}
            absences:
              - {rep: r09, from: 2026-11-16, to: 2026-11-18}
              - {rep: r01, from: 2026-11-18, to: 2026-11-16}
            absence_files: [config/absences.csv, config/missing.csv]
            """, absences: "rep,from,to\nr02,2026-11-31,2026-12-01\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try ConfigLoader.loadProject(at: dir)) { error in
            XCTAssertEqual((error as? ConfigErrors)?.diagnostics.map(\.description), [
                "config/team.yml:6: norms.per_week.calls_out: calls_out already has a norm per day at this level: set it once",
                "config/team.yml:6: norms.per_week.chats: expected a non-negative number, got '-1'",
                "config/team.yml:11: absences[1].to: the absence ends before it starts",
                "config/absences.csv:2: from: expected dates as YYYY-MM-DD, got '2026-11-31' and '2026-12-01'",
                "config/team.yml:12: absence_files: no such file: config/missing.csv",
                "config/team.yml:0: norms.teams.Z: no rep is in this team",
                "config/team.yml:10: absences.rep: no rep has the id 'r09'",
            ])
        }
    }
}

final class IdentityClashTests: XCTestCase {
    func testIdentitiesThatWouldMoveRecordsBetweenRepsAreLocatedErrors() throws {
        // The fixture company.yml has company_numbers ["600", "+74951230000"].
        let team = """
            reps:
              - id: r01
                name: Анна Смирнова
                extensions: ["101"]
                dids: ["+7 495 123-01-01"]
                emails: [a.smirnova@romashka.ru]
                crm_user_ids: ["11"]
              - id: r02
                name: Boris
                extensions: ["600"]
                dids: ["84951230101"]
                emails: [A.Smirnova@Romashka.RU]
                crm_user_ids: ["11"]
                crm_names: [Анна  Смирнова]
              - id: r03
                name: Vera
                dids: ["8 (495) 123-00-00"]
              - id: r01
                name: Again
            """
        let problems = try configProblems(["config/team.yml": team, "pipelines/nightly.yml": "name: nightly\nsources: []\n"])
        XCTAssertEqual(problems, [
            "config/team.yml:10: reps[1].extensions: number '600' is also a company number ('600' in company.company_numbers): calls to the company line would be credited to this rep",
            "config/team.yml:11: reps[1].dids: number '84951230101' (+74951230101) also belongs to rep 'r01' (config/team.yml:2): its records would go to one of them at random",
            "config/team.yml:12: reps[1].emails: mail address 'a.smirnova@romashka.ru' also belongs to rep 'r01' (config/team.yml:2): its records would go to one of them at random",
            "config/team.yml:13: reps[1].crm_user_ids: CRM user id '11' also belongs to rep 'r01' (config/team.yml:2): its records would go to one of them at random",
            "config/team.yml:14: reps[1].crm_names: CRM name 'Анна  Смирнова' also belongs to rep 'r01' (config/team.yml:2): its records would go to one of them at random",
            "config/team.yml:17: reps[2].dids: number '8 (495) 123-00-00' (+74951230000) is also a company number ('+74951230000' in company.company_numbers): calls to the company line would be credited to this rep",
            "config/team.yml:18: reps[3].id: rep id 'r01' is used twice (first at config/team.yml:2)",
        ])
    }
}

/// Problems `validate` finds in a throw-away project: the fixture company.yml plus the given files
/// (path in the project → text).
func configProblems(_ files: [String: String]) throws -> [String] {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID())")
    defer { try? FileManager.default.removeItem(at: dir) }
    for sub in ["config", "pipelines"] {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    try FileManager.default.copyItem(at: Fixtures.root.appendingPathComponent("project/config/company.yml"),
                                     to: dir.appendingPathComponent("config/company.yml"))
    for (path, text) in files { try text.write(to: dir.appendingPathComponent(path), atomically: true, encoding: .utf8) }
    return ConfigLoader.validate(projectDir: dir, pipelineFile: dir.appendingPathComponent("pipelines/nightly.yml"),
                                 pipelineName: "pipelines/nightly.yml").map(\.description)
}
