import Foundation
import SalesopsLoad
import SalesopsPostgres
import SalesopsSQLite
import XCTest

/// `salesops run` into PostgreSQL: the demo loaded there equals the demo loaded into SQLite relation by
/// relation; a re-run is a no-op; a second run exits 75; a run killed anywhere leaves the schema as it was.
final class PostgresRunTests: XCTestCase {
    static let asOf = "2026-11-20"

    /// A copy of the demo project; with a schema, its pipeline's warehouse is that schema of the test server.
    static func demoProject(schema: String?) throws -> URL {
        let repo = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-pgrun-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for sub in ["config", "pipelines", "input"] {
            try FileManager.default.copyItem(at: repo.appendingPathComponent(sub), to: dir.appendingPathComponent(sub))
        }
        if let schema {
            let pipeline = dir.appendingPathComponent("pipelines/nightly.yml")
            let text = try String(contentsOf: pipeline, encoding: .utf8)
            let sqliteSink = "  warehouse: output/warehouse.sqlite\n"
            XCTAssertTrue(text.contains(sqliteSink))
            try text.replacingOccurrences(of: sqliteSink, with: "  warehouse: \(try TestPostgres.url())\n  schema: \(schema)\n")
                .write(to: pipeline, atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func run(_ dir: URL, _ extra: [String] = []) throws -> (Int32, String, String) {
        try runProcess(salesopsBinary, ["run", "--project", dir.path, "--as-of", asOf, "--no-report"] + extra)
    }

    /// Columns whose values depend on when or where a run happened, not on what it loaded: the runs'
    /// clock times, the as-of time of a day not yet over, the files' device and inode, and the models'
    /// SQL text, which each engine records in its own dialect (compared separately).
    static let circumstantial: Set<String> = ["etl_runs.started_at", "etl_runs.finished_at", "as_of_context.as_of_time",
                                              "etl_files.stat_key", "models.sql"]

    func testTheDemoLoadedIntoPostgreSQLEqualsTheSQLiteWarehouseRelationByRelation() throws {
        let (pg, schema, dropSchema) = try TestPostgres.scratch()
        defer { dropSchema() }
        let sqliteDir = try Self.demoProject(schema: nil), pgDir = try Self.demoProject(schema: schema)
        defer {
            try? FileManager.default.removeItem(at: sqliteDir)
            try? FileManager.default.removeItem(at: pgDir)
        }
        let (sqliteCode, _, sqliteErr) = try Self.run(sqliteDir)
        XCTAssertEqual(sqliteCode, 0, sqliteErr)
        let (code, out, err) = try Self.run(pgDir)
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("warehouse: \(try TestPostgres.url()) (schema \(schema))"), out)
        try pg.execute("SET search_path TO \(schema)")
        try assertSameRelations(sqliteDir, pg)
        // Each engine records the models' definitions in its own SQL.
        XCTAssertEqual(try pg.query("SELECT name, sql FROM models ORDER BY position", []).map { $0.map { $0.string ?? "" } },
                       Models.all.map { [$0.name, $0.sql(for: .postgres)] })

        // The operator has the Moscow log read again: its legs dropped, its calls set aside and regrouped.
        let rebuilt = try [sqliteDir, pgDir].map { dir in
            let (code, out, err) = try Self.run(dir, ["--forget", "input/telephony/asterisk/Master.csv"])
            XCTAssertEqual(code, 0, err)
            return out.split(separator: "\n").first { $0.contains("calls (re)built") }.map(String.init)
        }
        XCTAssertEqual(rebuilt[1], rebuilt[0])
        XCTAssertNotEqual(rebuilt[0], "  calls (re)built: 0")
        try assertSameRelations(sqliteDir, pg)

        // The PBX rotates its log (a new, empty Master.csv): the loaded rows now live under the rotated
        // name, in both engines.
        for dir in [sqliteDir, pgDir] {
            let folder = dir.appendingPathComponent("input/telephony/asterisk")
            try FileManager.default.moveItem(at: folder.appendingPathComponent("Master.csv"),
                                             to: folder.appendingPathComponent("Master.csv-20261121"))
            try Data().write(to: folder.appendingPathComponent("Master.csv"))
            let (code, _, err) = try Self.run(dir)
            XCTAssertEqual(code, 0, err)
        }
        XCTAssertGreaterThan(try pg.scalar("""
            SELECT COUNT(*) FROM calls WHERE src_file = 'input/telephony/asterisk/Master.csv-20261121'
            """, [])?.int ?? 0, 0)
        XCTAssertEqual(try pg.scalar("""
            SELECT COUNT(*) FROM calls WHERE strpos(legs_json::text, '"input/telephony/asterisk/Master.csv"') > 0
            """, [])?.int, 0)
        try assertSameRelations(sqliteDir, pg)
    }

    /// Every table and view of the SQLite warehouse in `dir` holds the rows the PostgreSQL schema holds
    /// (but ``circumstantial`` columns), and most hold some.
    func assertSameRelations(_ dir: URL, _ pg: PostgresConnection, file: StaticString = #filePath, line: UInt = #line) throws {
        let sqlite = try SQLiteDatabase(path: dir.appendingPathComponent("output/warehouse.sqlite").path, readOnly: true)
        defer { sqlite.close() }
        let relations = try sqlite.query("""
            SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'
              AND name != 'schema_migrations' ORDER BY name
            """).map { $0[0].string! }
        var compared = 0, values = 0
        for relation in relations {
            let (rows, count, difference) = try PostgresTypeMappingTests.compare(relation, sqlite: sqlite, pg: pg,
                                                                                 except: Self.circumstantial)
            if let difference { XCTFail("\(relation): \(difference)", file: file, line: line) }
            if rows > 0 { compared += 1 }
            values += count
        }
        // Most relations hold rows after the demo; the comparison is not of empty ones.
        XCTAssertGreaterThan(compared, 60, file: file, line: line)
        XCTAssertGreaterThan(values, 50_000, file: file, line: line)
    }

    /// A digest of each table of the schema (its rows as PostgreSQL prints them, sorted), but `except`.
    static func digests(_ pg: PostgresConnection, except: Set<String> = []) throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try pg.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()", []) {
            let table = row[0].string!
            guard !except.contains(table) else { continue }
            result[table] = try pg.scalar("SELECT md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \(table) t", [])?.string
        }
        return result
    }

    /// The demo run once into a scratch schema: a connection with the schema on its search path, the
    /// schema, the project, and what removes both.
    static func loadedDemo() throws -> (PostgresConnection, String, URL, () -> Void) {
        let (pg, schema, dropSchema) = try TestPostgres.scratch()
        let dir = try demoProject(schema: schema)
        let done = {
            dropSchema()
            try? FileManager.default.removeItem(at: dir)
        }
        let (code, _, err) = try run(dir)
        guard code == 0 else {
            done()
            throw PostgresTypeMappingTests.DemoRunFailed(code: code, err: err)
        }
        try pg.execute("SET search_path TO \(schema)")
        return (pg, schema, dir, done)
    }

    /// The run's own ledger rows: a re-run and a killed run add to these or leave them, nothing else.
    static let ledger: Set<String> = ["etl_runs", "etl_sources", "etl_filtered", "etl_notes"]

    func testARerunIsANoOpASecondRunExits75AndReportAndStatusReadTheSchema() throws {
        let (pg, schema, dir, done) = try Self.loadedDemo()
        defer { done() }
        // What a re-run may change: its ledger rows, the dates and numbers it had to rebuild (none), and the
        // stat keys of files hashed again (a file just written is keyed by device and inode only).
        let notFacts = Self.ledger.union(["model_dates", "model_phones", "etl_files"])
        let files = "SELECT path, sha256, bytes, rows, source, run_id, resume_offset FROM etl_files ORDER BY path, sha256"
        let loaded = try Self.digests(pg, except: notFacts), loadedFiles = try pg.query(files, [])
        XCTAssertEqual(try pg.scalar("SELECT COUNT(*) FROM calls", [])?.int, 2_835)

        let (again, out, againErr) = try Self.run(dir)
        XCTAssertEqual(again, 0, againErr)
        XCTAssertTrue(out.contains("calls (re)built: 0"), out)
        XCTAssertEqual(try pg.query("SELECT SUM(files_read)::int, SUM(rows_read)::int, SUM(files_skipped) > 0 FROM etl_sources WHERE run_id = 2", []),
                       [[.integer(0), .integer(0), .integer(1)]])
        let rerun = try Self.digests(pg, except: notFacts)
        XCTAssertEqual(rerun.filter { loaded[$0.key] != $0.value }.keys.sorted(), [], "a re-run changes no relation")
        XCTAssertEqual(rerun.count, loaded.count)
        XCTAssertEqual(try pg.query(files, []), loadedFiles)

        // A dry run computes everything and keeps nothing.
        let beforeDry = try Self.digests(pg)
        let (dry, dryOut, dryErr) = try Self.run(dir, ["--dry-run"])
        XCTAssertEqual(dry, 0, dryErr)
        XCTAssertTrue(dryOut.contains("dry run"), dryOut)
        XCTAssertEqual(try Self.digests(pg), beforeDry)

        // A run while another session holds the schema's run lock: exit 75, nothing written.
        let other = try PostgresConnection(try TestPostgres.url())
        defer { other.close() }
        try other.execute("SET application_name = 'salesops run'")
        let lock = try PostgresRunLock(connection: other, schema: schema)
        let (busy, _, busyErr) = try Self.run(dir)
        XCTAssertEqual(busy, 75, busyErr)
        XCTAssertTrue(busyErr.contains("another session holds the run lock of schema \(schema)"), busyErr)
        XCTAssertTrue(busyErr.contains("salesops run) at "), busyErr)
        let (busyReport, _, busyReportErr) = try runProcess(salesopsBinary, ["report", "--project", dir.path, "--as-of", Self.asOf])
        XCTAssertEqual(busyReport, 75, busyReportErr)
        lock.release()
        XCTAssertEqual(try pg.scalar("SELECT COUNT(*) FROM etl_runs", [])?.int, 2)

        // The workbooks and the status read the schema.
        let (report, _, reportErr) = try runProcess(salesopsBinary, ["report", "--project", dir.path, "--as-of", Self.asOf])
        XCTAssertEqual(report, 0, reportErr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("output/reports/\(Self.asOf)/department.xlsx").path))
        let (status, statusOut, statusErr) = try runProcess(salesopsBinary, ["status", "--project", dir.path])
        XCTAssertEqual(status, 0, statusErr)
        XCTAssertTrue(statusOut.contains("warehouse: \(try TestPostgres.url()) (schema \(schema))"), statusOut)
        XCTAssertTrue(statusOut.contains("run 2 started"), statusOut)
        XCTAssertTrue(statusOut.contains("moscow_asterisk: 0 files (3 already loaded), 0 rows read"), statusOut)
    }

    func testAnAnalystsOpenTransactionNeitherBlocksTheRunNorSeesHalfOfIt() throws {
        let (pg, schema, dir, done) = try Self.loadedDemo()
        defer { done() }
        let analyst = try PostgresConnection(try TestPostgres.url())
        defer { analyst.close() }
        try analyst.execute("SET search_path TO \(schema); BEGIN ISOLATION LEVEL REPEATABLE READ")
        let calls = try analyst.scalar("SELECT COUNT(*) FROM calls", [])
        let newestCallRun = try analyst.scalar("SELECT MAX(run_id) FROM calls", [])
        let runs = try analyst.scalar("SELECT COUNT(*) FROM etl_runs", [])
        XCTAssertEqual(try analyst.scalar("SELECT COUNT(*) FROM alert_items", [])?.int.map { $0 > 0 }, true)
        // A night that drops a file's legs, writes its calls again and rebuilds every model.
        let (code, _, err) = try Self.run(dir, ["--forget", "input/telephony/asterisk/Master.csv"])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(try analyst.scalar("SELECT COUNT(*) FROM calls", []), calls)
        // The calls the night wrote again carry its run: not yet for the analyst, already for others.
        XCTAssertEqual(try analyst.scalar("SELECT MAX(run_id) FROM calls", []), newestCallRun)
        XCTAssertEqual(try analyst.scalar("SELECT COUNT(*) FROM etl_runs", []), runs)
        XCTAssertEqual(try pg.scalar("SELECT MAX(run_id) FROM calls", [])?.int, (runs?.int ?? 0) + 1)
        try analyst.execute("COMMIT")
        XCTAssertEqual(try pg.scalar("SELECT COUNT(*) FROM etl_runs", [])?.int, (runs?.int ?? 0) + 1)
    }

    func testRedefinedViewsAreReplacedInPlaceKeepingAnAnalystsViewOverThem() throws {
        let (pg, _, dir, done) = try Self.loadedDemo()
        defer { done() }
        try pg.execute("""
            CREATE VIEW analyst_effective AS SELECT rep_id, SUM(value) AS calls FROM rep_metric_daily
            WHERE metric = 'calls_effective' GROUP BY rep_id
            """)
        // What a new version of salesops looks like to the warehouse: recorded definitions that differ.
        try pg.execute("UPDATE models SET sql = 'an older definition' WHERE name IN ('rep_days', 'rep_metric_daily')")
        let (code, _, err) = try Self.run(dir)
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(try pg.query("SELECT name, sql FROM models ORDER BY position", []).map { $0.map { $0.string ?? "" } },
                       Models.all.map { [$0.name, $0.sql(for: .postgres)] })
        XCTAssertGreaterThan(try pg.scalar("SELECT COUNT(*) FROM analyst_effective", [])?.int ?? 0, 0)
    }

    func testADryRunIntoANewSchemaLeavesNoSchemaAndAReportCreatesNone() throws {
        let (pg, schema, dropSchema) = try TestPostgres.scratch()
        defer { dropSchema() }
        try pg.execute("DROP SCHEMA \(schema)")
        let dir = try Self.demoProject(schema: schema)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (code, _, err) = try Self.run(dir, ["--dry-run"])
        XCTAssertEqual(code, 0, err)
        XCTAssertNil(try pg.scalar("SELECT 1 FROM pg_namespace WHERE nspname = ?", [.text(schema)]))
        // Neither a report nor the status creates the warehouse they would read.
        for command in [["report", "--as-of", Self.asOf], ["status"]] {
            let (code, _, err) = try runProcess(salesopsBinary, [command[0], "--project", dir.path] + command.dropFirst())
            XCTAssertEqual(code, 66, err)
            XCTAssertTrue(err.contains("no warehouse in schema \(schema)"), err)
        }
        XCTAssertNil(try pg.scalar("SELECT 1 FROM pg_namespace WHERE nspname = ?", [.text(schema)]))
    }

    func testARunKilledAtThreePointsLeavesTheSchemaAsItWas() throws {
        let (pg, schema, dir, done) = try Self.loadedDemo()
        defer { done() }
        let before = try Self.digests(pg)
        // A run that reads the Moscow PBX's log again: it drops the file's legs, writes its calls again and
        // rebuilds the models, each inside the run's one transaction.
        let forget = ["--forget", "input/telephony/asterisk/Master.csv"]
        let points = [("dropping the file's legs", "UPDATE calls SET legs_json%"), ("writing calls", "INSERT INTO calls(%"),
                      ("building the models", "%DELETE FROM rep_period%")]
        for (point, statement) in points {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: salesopsBinary)
            process.arguments = ["run", "--project", dir.path, "--as-of", Self.asOf, "--no-report"] + forget
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            var reached = false
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning && Date() < deadline {
                if try pg.scalar("""
                    SELECT 1 FROM pg_stat_activity WHERE application_name = 'salesops run' AND query LIKE ?
                    """, [.text(statement)]) != nil {
                    reached = true
                    break
                }
                usleep(1_000)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            XCTAssertTrue(reached, "the run ended before \(point)")
            // The server ends the session of a killed client and rolls its transaction back.
            while try pg.scalar("SELECT 1 FROM pg_stat_activity WHERE application_name = 'salesops run'", []) != nil, Date() < deadline {
                usleep(10_000)
            }
            XCTAssertEqual(try Self.digests(pg), before, "killed while \(point)")
        }
        // The next night runs as if nothing happened.
        let (again, _, againErr) = try Self.run(dir, forget)
        XCTAssertEqual(again, 0, againErr)
        XCTAssertEqual(try pg.scalar("SELECT COUNT(*) FROM calls", [])?.int, 2_835)
        XCTAssertEqual(try pg.scalar("SELECT COUNT(*) FROM etl_runs", [])?.int, 2, "the killed runs left no trace")
    }
}
