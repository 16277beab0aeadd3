import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SalesopsSQLite
import XCTest

/// Analysts read the warehouse while the night runs: a reader never blocks the run's commit and never
/// sees half of a run; `report` and `run` never write at once; a killed run blocks nothing.
final class ConcurrencyTests: XCTestCase {
    /// `count` distinct answered outbound calls of rep 101 on 2026-11-10, one CDR row each.
    func cdrRows(_ count: Int, from first: Int = 0) -> String {
        var text = ""
        text.reserveCapacity(count * 260)
        for i in first..<(first + count) {
            let id = "1762779600.\(i)"
            text += "\"\",\"101\",\"+7916555\(String(format: "%04d", i % 10_000))\",\"from-internal\",\"\"\"101\"\" <101>\","
                + "\"SIP/101-\(id)\",\"SIP/trunk-\(id)\",\"Dial\",\"\",\"2026-11-10 16:00:00\",\"2026-11-10 16:00:05\","
                + "\"2026-11-10 16:00:45\",45,40,\"ANSWERED\",\"DOCUMENTATION\",\"\(id)\",\"\",\"\",\"\(id)\",1\n"
        }
        return text
    }

    func testAnOpenReadTransactionNeitherBlocksTheRunNorSeesHalfOfIt() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        try project.run()
        try cdrRows(50).write(to: project.dir.appendingPathComponent("input/pbx/more.csv"), atomically: true, encoding: .utf8)
        // An analyst's session with a read transaction open (DBeaver, pandas) across the night.
        let analyst = try SQLiteDatabase(path: project.warehouse, readOnly: true)
        defer { analyst.close() }
        try analyst.execute("BEGIN")
        XCTAssertEqual(try analyst.scalar("SELECT COUNT(*) FROM calls")?.int, 2)
        let (code, _, err) = try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-10",
                                                             "--no-report"])
        XCTAssertEqual(code, 0, err)
        // Inside its transaction the analyst still sees the warehouse as it was; after it, the run.
        XCTAssertEqual(try analyst.scalar("SELECT COUNT(*) FROM calls")?.int, 2)
        XCTAssertEqual(try analyst.scalar("SELECT COUNT(*) FROM etl_runs")?.int, 1)
        try analyst.execute("COMMIT")
        XCTAssertEqual(try analyst.scalar("SELECT COUNT(*) FROM calls")?.int, 52)
        XCTAssertEqual(try project.rows("SELECT run_id, status FROM etl_runs"), [["1", "ok"], ["2", "ok"]])
        XCTAssertEqual(try project.rows("PRAGMA journal_mode"), [["wal"]])
    }

    func testAReportWhileARunHoldsTheLockExits75() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        try project.run()
        let fd = open(project.dir.appendingPathComponent("output/.salesops.lock").path, O_RDWR)
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        let (code, _, err) = try runProcess(salesopsBinary, ["report", "--project", project.dir.path, "--as-of", "2026-11-10"])
        flock(fd, LOCK_UN)
        close(fd)
        XCTAssertEqual(code, 75, err)
        XCTAssertTrue(err.contains("the report cannot start now"), err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.dir.appendingPathComponent("output/reports").path))
    }

    func testAReportAfterAKilledFirstRunRecoversTheWarehouse() throws {
        let project = try TestProject.asterisk()
        defer { project.remove() }
        try cdrRows(60_000).write(to: project.dir.appendingPathComponent("input/pbx/Master.csv"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: salesopsBinary)
        process.arguments = ["run", "--project", project.dir.path, "--as-of", "2026-11-10", "--no-report"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it inside its first load: once the rollback journal of the load's transaction exists.
        let journal = project.warehouse + "-journal"
        let deadline = Date().addingTimeInterval(60)
        var sawJournal = false
        while process.isRunning && Date() < deadline {
            if let size = (try? FileManager.default.attributesOfItem(atPath: journal))?[.size] as? Int, size > 0 {
                sawJournal = true
                usleep(300_000)
                break
            }
            usleep(10_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertTrue(sawJournal, "the run ended before its load could be interrupted")
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        // The report recovers the warehouse (rolls the hot journal back) instead of failing read-only.
        let (code, _, err) = try runProcess(salesopsBinary, ["report", "--project", project.dir.path, "--as-of", "2026-11-10"])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["0"]])
        // And the next night loads everything.
        let (again, _, againErr) = try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-10",
                                                                   "--no-report"])
        XCTAssertEqual(again, 0, againErr)
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["60000"]])
    }
}
