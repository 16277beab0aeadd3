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
            "config/team.yml:12: norms.per_day.callz_out: unknown metric (known: calls_out, calls_in, calls_effective, talk_mins)",
            "config/team.yml:14: thresholds.effective_call_secs: expected a whole number from 0 to 3600, got 'thirty'",
            "pipelines/nightly.yml:5: sources[0].type: unknown telephony extractor type 'asterisk_csv' (known: asterisk_cdr, freepbx_cdr, mapped_csv)",
            "pipelines/nightly.yml:12: sources[1].format.delimiter: expected one ASCII character, got ';;'",
            "pipelines/nightly.yml:15: sources[1].columns.talk: unknown field (known: call_id, started_at, src, dst, duration, billsec, disposition, direction, answered_by, did, sequence)",
            "pipelines/nightly.yml:13: sources[1].columns: mapped_csv needs a column for 'src'",
            "pipelines/nightly.yml:13: sources[1].columns: mapped_csv needs a column for 'dst'",
            "pipelines/nightly.yml:18: sinks.report: unknown key",
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
        XCTAssertEqual(config.norms.perDay(.callsEffective, for: config.reps[0]), 2)
        XCTAssertEqual(config.company.reportLanguage, .en)
        XCTAssertTrue(config.company.isBusinessDay(CivilTime.days(fromDateString: "2026-11-10")!))
        XCTAssertFalse(config.company.isBusinessDay(CivilTime.days(fromDateString: "2026-11-04")!))
        XCTAssertFalse(config.company.isBusinessDay(CivilTime.days(fromDateString: "2026-11-08")!))
    }
}
