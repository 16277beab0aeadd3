import Foundation
import XCTest

/// What the person who runs salesops every night sees: version, status, progress, -v, dry runs and
/// configuration problems.
final class OperatorTests: XCTestCase {
    func testVersion() throws {
        let (code, out, _) = try runProcess(salesopsBinary, ["--version"])
        XCTAssertEqual(code, 0)
        XCTAssertEqual(out, "0.9.0\n")
    }

    func testStatusShowsRecentRunsAndSourceFreshness() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        let (none, _, noneErr) = try runProcess(salesopsBinary, ["status", "--project", project.dir.path])
        XCTAssertEqual(none, 66, noneErr)
        try project.run()
        try project.run(asOf: "2026-11-11")
        let (code, out, err) = try runProcess(salesopsBinary, ["status", "--project", project.dir.path, "--last", "1"])
        XCTAssertEqual(code, 0, err)
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 6, out)
        XCTAssertTrue(lines[2].hasPrefix("  run 2 started "), out)
        XCTAssertTrue(lines[2].contains(" as of 2026-11-11: ok, took "), out)
        XCTAssertEqual(lines[3], "    pbx: 0 files (1 already loaded), 0 rows read: 0 loaded, 0 filtered, 0 rejected")
        XCTAssertEqual(lines[4], "sources:")
        XCTAssertEqual(lines[5], "  pbx: newest data 2026-11-10T13:05:00Z, last new rows on 2026-11-10")
    }

    func testADryRunKeepsNothingAndSaysSo() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        let (code, out, err) = try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-10", "--dry-run"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("dry run: nothing was kept"), out)
        XCTAssertTrue(out.contains("pbx"), out)
        let left = try FileManager.default.contentsOfDirectory(atPath: project.dir.appendingPathComponent("output").path)
        XCTAssertFalse(left.contains { $0.hasPrefix("warehouse.sqlite") }, "\(left)")
    }

    func testVerboseAddsDetailAndATerminalGetsAProgressLineInsteadOfInfoLines() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        // Not a terminal (cron): info lines, no progress line.
        let (_, _, plain) = try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-10", "--no-report"])
        XCTAssertTrue(plain.contains("file read"), plain)
        XCTAssertFalse(plain.contains("\u{1B}[K"), plain)
        XCTAssertFalse(plain.contains("file fingerprint"), plain)
        // -v: the debug detail of each file.
        try FileManager.default.removeItem(atPath: project.warehouse)
        let (_, _, verbose) = try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-10",
                                                              "--no-report", "-v"])
        XCTAssertTrue(verbose.contains("file fingerprint"), verbose)
        XCTAssertTrue(verbose.contains("bytes=510 compressed=false file=input/pbx/billsec_30_vs_31.csv"), verbose)
        // A terminal (script gives the run one): the progress line, no info lines.
        try FileManager.default.removeItem(atPath: project.warehouse)
        let log = project.dir.appendingPathComponent("tty.log").path
        let command = "\(salesopsBinary) run --project \(project.dir.path) --as-of 2026-11-10 --no-report"
        let (code, _, err) = try runProcess("/usr/bin/script", ["-qec", command, log])
        XCTAssertEqual(code, 0, err)
        let screen = try String(contentsOfFile: log, encoding: .utf8)
        XCTAssertTrue(screen.contains("\r\u{1B}[Kpbx: file 1/1, 2 rows, "), screen)
        XCTAssertFalse(screen.contains("file read"), screen)
        XCTAssertTrue(screen.contains("salesops run 1 as of 2026-11-10"), screen)
    }

    func testRunAndValidatePrintConfigurationProblemsTheSameWay() throws {
        let dir = Fixtures.root.appendingPathComponent("config_errors").path
        let (validate, validateOut, validateErr) = try runProcess(salesopsBinary, ["validate", "--project", dir])
        let (run, runOut, runErr) = try runProcess(salesopsBinary, ["run", "--project", dir])
        XCTAssertEqual(validate, 64)
        XCTAssertEqual(run, 64)
        XCTAssertEqual(validateOut, "")
        XCTAssertEqual(runOut, "")
        XCTAssertEqual(validateErr, runErr)
        XCTAssertTrue(validateErr.contains("config/company.yml:5: company.busines_days: unknown key"), validateErr)
    }

    func testAnUnknownKindIsTheOneProblemOfItsSource() throws {
        let problems = try configProblems([
            "config/team.yml": "reps:\n  - {id: r01, name: Anna}\n",
            "pipelines/nightly.yml": "name: nightly\nsources:\n  - {name: pbx, kind: telefony, type: asterisk_cdr, path: \"input/*.csv\"}\n",
        ])
        XCTAssertEqual(problems, [
            "pipelines/nightly.yml:3: sources[0].kind: unknown source kind 'telefony' (known: telephony, mail, crm, worktime)",
        ])
    }

    func testNoConfigurationNamesTheFolderAndSuggestsProject() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let (code, _, err) = try runProcess(salesopsBinary, ["validate", "--project", empty.path])
        XCTAssertEqual(code, 64)
        XCTAssertTrue(err.contains("no configuration files (*.yml) in \(empty.path)/config: is this the project folder? Give it with --project DIR"), err)
    }
}

final class OutsidePathTests: XCTestCase {
    func testPathsOutsideTheProjectNeedAllowOutside() throws {
        let team = "reps:\n  - {id: r01, name: Anna}\n"
        let problems = try configProblems([
            "config/team.yml": team,
            "pipelines/nightly.yml": """
                name: nightly
                sources:
                  - {name: pbx, kind: telephony, type: asterisk_cdr, path: /var/log/asterisk/cdr-csv/Master.csv}
                  - {name: up, kind: telephony, type: asterisk_cdr, path: "input/../../elsewhere/*.csv"}
                  - {name: ok, kind: telephony, type: asterisk_cdr, path: "input/a/../b/*.csv"}
                sinks:
                  warehouse: /tmp/warehouse.sqlite
                """,
        ])
        XCTAssertEqual(problems, [
            "pipelines/nightly.yml:3: sources[0].path: '/var/log/asterisk/cdr-csv/Master.csv' is outside the project folder; add `allow_outside: true` here if that is meant",
            "pipelines/nightly.yml:4: sources[1].path: 'input/../../elsewhere/*.csv' is outside the project folder; add `allow_outside: true` here if that is meant",
            "pipelines/nightly.yml:7: sinks.warehouse: '/tmp/warehouse.sqlite' is outside the project folder; add `allow_outside: true` here if that is meant",
        ])
        XCTAssertEqual(try configProblems([
            "config/team.yml": team,
            "pipelines/nightly.yml": """
                name: nightly
                sources:
                  - {name: pbx, kind: telephony, type: asterisk_cdr, path: /var/log/asterisk/cdr-csv/Master.csv, allow_outside: true}
                sinks: {warehouse: /srv/dwh/warehouse.sqlite, allow_outside: yes}
                """,
        ]), [])
    }
}
