import Foundation
import XCTest

/// Every documented exit code of `run` and `report`, provoked, and `etl_runs.status` telling how each
/// run ended. (64, 66 and 75 of a second run are in CLITests; 73 of a full disk in ReportFileTests; 70,
/// an internal error, has no input that provokes it.)
final class ExitCodeTests: XCTestCase {
    func salesops(_ project: TestProject, _ args: String...) throws -> (Int32, String, String) {
        try runProcess(salesopsBinary, [args[0], "--project", project.dir.path] + args.dropFirst())
    }

    /// An Asterisk source with a file and a second one whose folder is empty.
    func twoSources(extra: String = "") throws -> TestProject {
        try TestProject(sources: [("pbx", "asterisk_cdr", ["billsec_30_vs_31.csv"], ""), ("branch", "asterisk_cdr", [], extra)])
    }

    func testASourceThatMatchesNothingIsNoDataWithExit65() throws {
        let project = try twoSources()
        defer { project.remove() }
        let (code, out, err) = try salesops(project, "run", "--as-of", "2026-11-10")
        XCTAssertEqual(code, 65, err)
        XCTAssertTrue(out.contains("  NO DATA  branch: no file matches input/branch/*.csv"), out)
        XCTAssertTrue(err.contains("a source delivered less than expected"), err)
        // Everything else was loaded and reported.
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["2"]])
        XCTAssertTrue(FileManager.default.fileExists(atPath: project.dir.appendingPathComponent("output/reports/2026-11-10/department.xlsx").path))
        XCTAssertEqual(try project.rows("SELECT status FROM etl_runs"), [["no_data"]])
        XCTAssertEqual(try project.rows("SELECT source, src_file, message FROM etl_notes"),
                       [["branch", "input/branch/*.csv", "no data: no file matches input/branch/*.csv"]])
        // The folder itself gone is named as such; --allow-empty accepts an empty source.
        try FileManager.default.removeItem(at: project.dir.appendingPathComponent("input/branch"))
        let (gone, goneOut, _) = try salesops(project, "run", "--as-of", "2026-11-10")
        XCTAssertEqual(gone, 65)
        XCTAssertTrue(goneOut.contains("NO DATA  branch: the folder input/branch does not exist (path input/branch/*.csv)"), goneOut)
        let (allowed, _, allowedErr) = try salesops(project, "run", "--as-of", "2026-11-10", "--allow-empty")
        XCTAssertEqual(allowed, 0, allowedErr)
        XCTAssertEqual(try project.rows("SELECT run_id, status FROM etl_runs ORDER BY run_id"),
                       [["1", "no_data"], ["2", "no_data"], ["3", "ok"]])
    }

    func testASourceSilentForMoreBusinessDaysThanItsExpectationIsNoData() throws {
        let project = try TestProject(sources: [("pbx", "asterisk_cdr", ["billsec_30_vs_31.csv"],
                                                 "    expect: {min_new_rows: 1, max_silent_business_days: 1}\n")])
        defer { project.remove() }
        XCTAssertEqual(try salesops(project, "run", "--as-of", "2026-11-10", "--no-report").0, 0)
        // Wednesday: nothing new (a finding of min_new_rows), but only one business day of silence.
        let (wed, wedOut, _) = try salesops(project, "run", "--as-of", "2026-11-11", "--no-report")
        XCTAssertEqual(wed, 65)
        XCTAssertTrue(wedOut.contains("NO DATA  pbx: 0 new rows read, at least 1 expected"), wedOut)
        XCTAssertFalse(wedOut.contains("business days"), wedOut)
        // Friday: three business days without new rows since Tuesday's.
        let (fri, friOut, _) = try salesops(project, "run", "--as-of", "2026-11-13", "--no-report", "--allow-empty")
        XCTAssertEqual(fri, 65)
        XCTAssertTrue(friOut.contains("NO DATA  pbx: no new rows in 3 business days since 2026-11-10, at most 1 allowed"), friOut)
        XCTAssertFalse(friOut.contains("new rows read"), friOut)
    }

    /// A silent source is an alert and a red banner on Data quality; a call source whose newest call is
    /// older than the previous working day is an amber one.
    func testASilentSourceIsAnAlertAndABannerAndAStaleOneABanner() throws {
        let project = try TestProject(sources: [("pbx", "asterisk_cdr", ["billsec_30_vs_31.csv"], "    expect: {min_new_rows: 1}\n")])
        defer { project.remove() }
        XCTAssertEqual(try salesops(project, "run", "--as-of", "2026-11-10").0, 0)
        XCTAssertEqual(try salesops(project, "run", "--as-of", "2026-11-13").0, 65)
        let message = "No data from source 'pbx' for 2026-11-13: 0 new rows read, at least 1 expected"
        XCTAssertEqual(try project.rows("SELECT alert_id, severity, message FROM alerts WHERE kind = 'no_data'"),
                       [["no_data:pbx", "high", message]])
        let reports = project.dir.appendingPathComponent("output/reports").path
        func banners(_ date: String) throws -> [String] {
            let sheets = try CLITests.dump("\(reports)/\(date)/department.xlsx")
            let quality = try XCTUnwrap(sheets.first { $0.title == "Data quality" })
            return quality.rows[1...].prefix { $0[0].text != nil }.compactMap { $0[0].text }
        }
        XCTAssertEqual(try banners("2026-11-13"), [message])
        XCTAssertEqual(try salesops(project, "report", "--as-of", "2026-11-16").0, 0)
        XCTAssertEqual(try banners("2026-11-16"), ["Stale: source 'pbx', newest data on 10.11, 4 working days ago"])
        let alerts = try CLITests.dump("\(reports)/2026-11-13/department.xlsx")[0]
        XCTAssertEqual(alerts.rows[3].prefix(4).map(\.text), ["high", "Department", "No data", message])
    }

    func testAnUnreadableFileIsAFindingAndTheRestIsLoaded() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        // A rotated log whose compressed data is damaged (a gzip header, then garbage).
        var damaged = Data([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03])
        damaged.append(Data((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37) }))
        try damaged.write(to: project.dir.appendingPathComponent("input/pbx/old.csv"))
        let (code, out, err) = try salesops(project, "run", "--as-of", "2026-11-10", "--no-report")
        XCTAssertEqual(code, 65, err)
        XCTAssertTrue(out.contains("NO DATA  pbx: input/pbx/old.csv cannot be read: "), out)
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["2"]])
        XCTAssertEqual(try project.rows("SELECT src_file, substr(message, 1, 9) FROM etl_notes"), [["input/pbx/old.csv", "not read:"]])
        XCTAssertEqual(try project.rows("SELECT source, rows_read, rows_loaded, rows_rejected FROM etl_sources"), [["pbx", "2", "2", "0"]])
    }

    func testACorruptWarehouseExits74ForRunAndReport() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        try FileManager.default.createDirectory(at: project.dir.appendingPathComponent("output"), withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: project.warehouse))
        let (run, _, runErr) = try salesops(project, "run", "--as-of", "2026-11-10")
        XCTAssertEqual(run, 74, runErr)
        XCTAssertTrue(runErr.contains("cannot open the warehouse"), runErr)
        let (report, _, reportErr) = try salesops(project, "report", "--as-of", "2026-11-10")
        XCTAssertEqual(report, 74, reportErr)
        XCTAssertTrue(reportErr.contains("cannot read the warehouse"), reportErr)
    }

    func testARunWhoseReportCannotBeWrittenExits73AndSaysSoInTheLedger() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        try FileManager.default.createDirectory(at: project.dir.appendingPathComponent("output"), withIntermediateDirectories: true)
        try Data("not a folder".utf8).write(to: project.dir.appendingPathComponent("output/reports"))
        let (code, _, err) = try salesops(project, "run", "--as-of", "2026-11-10")
        XCTAssertEqual(code, 73, err)
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["2"]])
        let ledger = try project.rows("SELECT status, message LIKE '%output/reports%' FROM etl_runs")
        XCTAssertEqual(ledger, [["report_failed", "1"]])
    }
}
