import Foundation
import SalesopsPostgres
import SalesopsSQL
import XCTest

/// The PostgreSQL server the tests use: `SALESOPS_TEST_PG`, a libpq URL that `scripts/test` sets to a
/// throwaway cluster it starts. Without one the tests skip, except under CI, where they fail.
enum TestPostgres {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "CI runs the PostgreSQL tests: scripts/test must start a cluster (SALESOPS_TEST_PG is not set)" }
    }

    static func url() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["SALESOPS_TEST_PG"], !url.isEmpty { return url }
        if environment["CI"] != nil { throw Missing() }
        throw XCTSkip("no PostgreSQL server: run the suite through scripts/test, which starts a throwaway cluster (SALESOPS_TEST_PG)")
    }

    /// A connection inside a fresh schema of its own, dropped by the returned cleanup.
    static func scratch() throws -> (PostgresConnection, String, () -> Void) {
        let connection = try PostgresConnection(try url())
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try connection.execute("CREATE SCHEMA \(schema); SET search_path TO \(schema)")
        return (connection, schema, {
            try? connection.execute("DROP SCHEMA \(schema) CASCADE")
            connection.close()
        })
    }
}

/// libpq through `PostgresConnection`: COPY's text format both ways, a copy the client stops, errors
/// with their SQLSTATE.
final class PostgresConnectionTests: XCTestCase {
    func testAStatementSentWithoutWaitingThatFailsFailsItsTransaction() throws {
        let (db, _, done) = try TestPostgres.scratch()
        defer { done() }
        try db.execute("CREATE TABLE t(n bigint PRIMARY KEY)")
        let insert = try db.statement("INSERT INTO t(n) VALUES (?)")
        // The second row breaks the key on the server while the client sends the third: the failure is
        // read at the commit, which is then no commit.
        XCTAssertThrowsError(try db.transaction {
            try insert.run([.integer(1)])
            try insert.run([.integer(1)])
            try insert.run([.integer(2)])
        }) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "23505", "\($0)") }
        XCTAssertEqual(try db.scalar("SELECT COUNT(*) FROM t")?.int, 0)
        // The connection goes on; a pipelined statement's changes are read when asked for.
        try db.transaction { try insert.run([.integer(3)]) }
        let update = try db.statement("UPDATE t SET n = n + 10 WHERE n >= ?")
        try update.run([.integer(0)])
        XCTAssertEqual(update.changes, 1)
        // A failure read where it cannot be thrown (a `changes` getter) is thrown by the next call.
        XCTAssertThrowsError(try db.transaction {
            try insert.run([.integer(13)])
            XCTAssertEqual(insert.changes, 0)
            try insert.run([.integer(14)])   // sent after the failure was read: still pending at the commit
        }) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "23505", "\($0)") }
        XCTAssertEqual(try db.query("SELECT n FROM t"), [[.integer(13)]])
        // COMMIT of a transaction the server has failed is answered ROLLBACK: an error, never a commit.
        try db.execute("BEGIN")
        XCTAssertThrowsError(try db.execute("INSERT INTO t(n) VALUES (13)"))
        XCTAssertThrowsError(try db.execute("COMMIT")) { XCTAssertTrue("\($0)".contains("rolled it back"), "\($0)") }
    }

    func testCopyKeepsEveryByteItsTextFormatEscapesAndTellsNullFromText() throws {
        let (db, _, done) = try TestPostgres.scratch()
        defer { done() }
        try db.execute("CREATE TABLE t(n integer PRIMARY KEY, a text, b text)")
        let rows: [[String?]] = [
            ["1", "tab\there", "new\nline"],
            ["2", "back\\slash", nil],
            ["3", "cr\rlf\r\n", "\\N"],
            ["4", "Привет, «клиент»", ""],
        ]
        let copied = try db.copy(into: "t", columns: ["n", "a", "b"]) { put in
            for row in rows { try put(row) }
        }
        XCTAssertEqual(copied, 4)
        XCTAssertEqual(try db.query("SELECT n::text, a, b FROM t ORDER BY n").map { $0.map(\.string) }, rows)
        XCTAssertEqual(try db.query("SELECT n FROM t WHERE b IS NULL"), [[.integer(2)]])
    }

    func testACopyTheClientStopsLeavesNoRowAndTheConnectionWorks() throws {
        let (db, _, done) = try TestPostgres.scratch()
        defer { done() }
        try db.execute("CREATE TABLE t(n integer)")
        struct Stop: Error {}
        XCTAssertThrowsError(try db.copy(into: "t", columns: ["n"]) { put in
            try put(["1"])
            try put(["2"])
            throw Stop()
        }) { XCTAssertTrue($0 is Stop, "\($0)") }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM t"), .integer(0))
        // A bad value is the server's error, the whole copy undone.
        XCTAssertThrowsError(try db.copy(into: "t", columns: ["n"]) { put in
            try put(["3"])
            try put(["three"])
        }) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "22P02", "\($0)") }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM t"), .integer(0))
        XCTAssertEqual(try db.scalar("SELECT ?::int + 1", [.integer(41)]), .integer(42))
    }

    func testAServerErrorCarriesItsSQLStateAndStatement() throws {
        let (db, _, done) = try TestPostgres.scratch()
        defer { done() }
        XCTAssertThrowsError(try db.query("SELECT * FROM no_such_table")) { error in
            let e = error as? PostgresError
            XCTAssertEqual(e?.sqlState, "42P01")
            XCTAssertEqual(e?.sql, "SELECT * FROM no_such_table")
            XCTAssertTrue(e?.message.contains("no_such_table") ?? false, "\(error)")
        }
    }

    /// The warehouse code's statements, written for SQLite, run unchanged: `?` and `?N` placeholders
    /// numbered as SQLite numbers them (not inside literals, quoted names or comments), typed results,
    /// rows changed, a transaction undone when its body throws.
    func testStatementsWrittenForSQLiteRunWithTheirPlaceholdersAndTypes() throws {
        XCTAssertEqual(SQLPlaceholders.dollarNumbered("SELECT ?, '?', \"a?\", ?3, ? -- why?\n/* ? */ FROM t WHERE x = 'it''s ?' AND y = ?1").sql,
                       "SELECT $1, '?', \"a?\", $3, $4 -- why?\n/* ? */ FROM t WHERE x = 'it''s ?' AND y = $1")
        XCTAssertEqual(SQLPlaceholders.dollarNumbered("SELECT ?2, ?1").used, [1, 2])
        XCTAssertEqual(SQLPlaceholders.dollarNumbered("SELECT ?1, ?3").used, [1, 3])
        let (db, _, done) = try TestPostgres.scratch()
        defer { done() }
        try db.execute("CREATE TABLE t(id text PRIMARY KEY, n bigint, amount numeric, ok boolean, note text)")
        try db.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.text("a"), .integer(7), .real(12.5), .text("true"), .null])
        try db.run("INSERT INTO t VALUES (?1, ?2, ?2, false, '?')", [.text("b"), .integer(3)])
        XCTAssertEqual(db.changes, 1)
        let table = try db.table("SELECT id, n, amount, ok, note FROM t WHERE n >= ?1 ORDER BY id", [.integer(3), .text("unused")])
        XCTAssertEqual(table.columns, ["id", "n", "amount", "ok", "note"])
        XCTAssertEqual(table.rows, [[.text("a"), .integer(7), .real(12.5), .integer(1), .null],
                                    [.text("b"), .integer(3), .real(3), .integer(0), .text("?")]])
        try db.run("UPDATE t SET n = n + 1", [])
        XCTAssertEqual(db.changes, 2)
        struct Undo: Error {}
        XCTAssertThrowsError(try db.transaction {
            try db.run("DELETE FROM t", [])
            throw Undo()
        })
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM t", []), .integer(2))
        XCTAssertEqual(try db.transaction { try db.scalar("SELECT sum(n) FROM t", [])?.int }, 12)
    }

    func testAnUnreachableServerIsAnErrorThatSaysWhy() {
        XCTAssertThrowsError(try PostgresConnection("postgresql://nobody@/postgres?host=/nonexistent-salesops-socket-dir")) {
            XCTAssertTrue(String(describing: $0).contains("/nonexistent-salesops-socket-dir"), "\($0)")
        }
    }
}

/// `sinks.warehouse: postgresql://…` in a pipeline file: checked by the configuration and by `validate`;
/// `run`, `report` and `status` refuse it before touching anything (loading into PostgreSQL is not
/// built yet).
final class PostgresSinkConfigTests: XCTestCase {
    func project(warehouse: String, schema: String? = nil) throws -> TestProject {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        let pipeline = project.dir.appendingPathComponent("pipelines/nightly.yml")
        var yaml = try String(contentsOf: pipeline, encoding: .utf8)
        yaml += "sinks:\n  warehouse: \"\(warehouse)\"\n" + (schema.map { "  schema: \($0)\n" } ?? "")
        try yaml.write(to: pipeline, atomically: true, encoding: .utf8)
        return project
    }

    func testAPasswordInTheURLAndABadSchemaNameAreLocatedProblems() throws {
        let team = "reps:\n  - {id: r01, name: Anna}\n"
        let source = "name: nightly\nsources:\n  - {name: pbx, kind: telephony, type: asterisk_cdr, path: input/*.csv}\nsinks:\n"
        XCTAssertEqual(try configProblems([
            "config/team.yml": team,
            "pipelines/nightly.yml": source + "  warehouse: postgresql://sales:s3cret@db.example.com:5432/sales\n  schema: Sales-Dept\n",
        ]), [
            "pipelines/nightly.yml:5: sinks.warehouse: the URL holds a password: remove it; salesops connects with the password from PGPASSWORD, ~/.pgpass or a PGSERVICE entry",
            "pipelines/nightly.yml:6: sinks.schema: 'Sales-Dept' is not a plain schema name (lower-case letters, digits and _, at most 63)",
        ])
        XCTAssertEqual(try configProblems([
            "config/team.yml": team,
            "pipelines/nightly.yml": source + "  warehouse: postgres://sales@db/sales?sslmode=require&password=x\n",
        ]), [
            "pipelines/nightly.yml:5: sinks.warehouse: the URL holds a password parameter: remove it; salesops connects with the password from PGPASSWORD, ~/.pgpass or a PGSERVICE entry",
        ])
        XCTAssertEqual(try configProblems([
            "config/team.yml": team,
            "pipelines/nightly.yml": source + "  warehouse: output/warehouse.sqlite\n  schema: sales\n",
        ]), ["pipelines/nightly.yml:6: sinks.schema: a schema is for a PostgreSQL warehouse (postgresql://…)"])
        XCTAssertEqual(try configProblems([
            "config/team.yml": team,
            "pipelines/nightly.yml": source + "  warehouse: postgresql://sales@db.example.com/sales?sslmode=verify-full\n  schema: sales_2026\n",
        ]), [])
    }

    func testValidateSaysWhichServerItReached() throws {
        let project = try project(warehouse: try TestPostgres.url(), schema: "validate_check")
        defer { project.remove() }
        let (code, out, err) = try runProcess(salesopsBinary, ["validate", "--project", project.dir.path])
        XCTAssertEqual(code, 0, err)
        let line = try XCTUnwrap(out.split(separator: "\n").first { $0.contains("warehouse:") }, out)
        XCTAssertTrue(line.hasPrefix("  warehouse: PostgreSQL 1"), String(line))
        XCTAssertTrue(line.hasSuffix("as postgres, schema validate_check (created by the first run)"), String(line))
    }

    func testAnUnreachableServerFailsValidateWithExit74BeforeAnyInputIsRead() throws {
        let project = try project(warehouse: "postgresql://nobody@/postgres?host=/nonexistent-salesops-socket-dir")
        defer { project.remove() }
        let (code, out, err) = try runProcess(salesopsBinary, ["validate", "--project", project.dir.path])
        XCTAssertEqual(code, 74, err)
        XCTAssertFalse(out.contains("configuration ok"), out)
        XCTAssertTrue(err.contains("cannot reach the PostgreSQL warehouse postgresql://nobody@/postgres?host=/nonexistent-salesops-socket-dir"), err)
    }

    func testRunReportAndStatusOnAnUnreachableServerExit74BeforeWritingAnything() throws {
        let url = "postgresql://nobody@/postgres?host=/nonexistent-salesops-socket-dir"
        let project = try project(warehouse: url)
        defer { project.remove() }
        for command in [["run", "--as-of", "2026-11-10"], ["report", "--as-of", "2026-11-10"], ["status"]] {
            let (code, _, err) = try runProcess(salesopsBinary, [command[0], "--project", project.dir.path] + command.dropFirst())
            XCTAssertEqual(code, 74, err)
            XCTAssertTrue(err.contains("cannot reach the PostgreSQL warehouse \(url)"), err)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.dir.appendingPathComponent("output").path))
    }
}

/// One run at a time per PostgreSQL warehouse: a session's advisory lock on the schema.
final class PostgresRunLockTests: XCTestCase {
    func testASecondSessionCannotTakeTheLockUntilTheFirstReleasesOrEnds() throws {
        let url = try TestPostgres.url()
        let schema = "lock_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let first = try PostgresConnection(url)
        try first.execute("SET application_name = 'salesops run'")
        let second = try PostgresConnection(url)
        defer { second.close() }
        let lock = try PostgresRunLock(connection: first, schema: schema)
        XCTAssertThrowsError(try PostgresRunLock(connection: second, schema: schema)) { error in
            let held = error as? PostgresRunLock.Held
            XCTAssertNotNil(held?.holderPID, "\(error)")
            XCTAssertEqual(held?.holderApplication, "salesops run")
            XCTAssertTrue(String(describing: error).hasPrefix("another session holds the run lock of schema \(schema) (server process "), "\(error)")
        }
        // Another schema's lock is another lock.
        try PostgresRunLock(connection: second, schema: schema + "_other").release()
        lock.release()
        let again = try PostgresRunLock(connection: second, schema: schema)
        again.release()
        // A session that ends (a run killed) leaves no lock behind.
        _ = try PostgresRunLock(connection: first, schema: schema)
        first.close()
        var taken = false
        for _ in 0..<50 where !taken {
            if (try? PostgresRunLock(connection: second, schema: schema)) != nil { taken = true } else { usleep(20_000) }
        }
        XCTAssertTrue(taken, "the lock of a closed session was not released")
    }
}
