import Foundation
import SalesopsCore
import SalesopsLoad
import SalesopsPostgres
import SalesopsReport
import SalesopsSQL
import SalesopsSQLite
import XCTest

/// The warehouse's schema in PostgreSQL: the SQLite warehouse's tables with the same columns in the same
/// order, its keys and indexes, typed by what the columns hold, and versioned by the same migration names.
final class PostgresSchemaTests: XCTestCase {
    /// Of a new SQLite warehouse: its tables and views (without SQLite's own) with their columns in order
    /// (the models' views are installed by a run, not by the migrations), and its named indexes.
    func sqliteSchema() throws -> (tables: [String: [String]], indexes: Set<String>) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pg-schema-\(UUID()).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let warehouse = try Warehouse(path: path)
        defer { warehouse.close() }
        var tables: [String: [String]] = [:]
        for row in try warehouse.db.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'") {
            let name = row[0].string!
            tables[name] = try warehouse.db.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(name)]).map { $0[0].string! }
        }
        let indexes = Set(try warehouse.db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").map { $0[0].string! })
        return (tables, indexes)
    }

    func testAWarehouseSchemaIsMadeOnceWithEveryTableAndIndexOfTheSQLiteOne() throws {
        let (db, schema, done) = try TestPostgres.scratch()
        defer { done() }
        try PostgresMigrations.migrate(db, schema: schema)
        try PostgresMigrations.migrate(db, schema: schema)   // nothing left to apply
        XCTAssertEqual(try db.query("SELECT name FROM schema_migrations ORDER BY name", []).map { $0[0].string! },
                       PostgresMigrations.all.map(\.name))
        var tables: [String: [String]] = [:]
        for row in try db.query("""
            SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ?
            ORDER BY table_name, ordinal_position
            """, [.text(schema)]) {
            tables[row[0].string!, default: []].append(row[1].string!)
        }
        let sqlite = try sqliteSchema()
        XCTAssertEqual(tables, sqlite.tables)
        let pgIndexes = Set(try db.query("SELECT indexname FROM pg_indexes WHERE schemaname = ?", [.text(schema)]).map { $0[0].string! })
        XCTAssertEqual(sqlite.indexes.subtracting(pgIndexes), [])
    }

    /// Every SQLite migration after the one the PostgreSQL baseline stands for has a PostgreSQL
    /// migration of the same name, in the same order: a schema change made for one engine fails here
    /// until the other has it.
    func testThePostgreSQLMigrationsFollowTheSQLiteOnesByName() throws {
        let sqlite = Migrations.all.map(\.name)
        XCTAssertEqual(PostgresMigrations.all[0].name, "018_baseline")
        let baseline = try XCTUnwrap(sqlite.firstIndex(of: "018_deal_lookup_index"))
        XCTAssertEqual(Array(sqlite[(baseline + 1)...]), PostgresMigrations.all.dropFirst().map(\.name))
    }

    /// Values written as the SQLite warehouse writes them (instants `…T…Z`, dates, money as reals, JSON
    /// as text) are stored typed and read back as they were written.
    func testValuesAreStoredTypedAndReadBackAsSQLiteHoldsThem() throws {
        let (db, schema, done) = try TestPostgres.scratch()
        defer { done() }
        try PostgresMigrations.migrate(db, schema: schema)
        let types = try db.query("""
            SELECT table_name || '.' || column_name, data_type FROM information_schema.columns WHERE table_schema = ?
              AND (table_name, column_name) IN (('calls', 'started_at'), ('calls', 'local_date'), ('calls', 'legs_json'),
                   ('deals', 'amount'), ('deals', 'closed_at'), ('reps', 'active_to'), ('rep_period', 'value'),
                   ('funnel', 'conversion'), ('calls', 'talk_secs'), ('etl_runs', 'run_id'))
            ORDER BY 1
            """, [.text(schema)]).map { "\($0[0].string!) \($0[1].string!)" }
        XCTAssertEqual(types, ["calls.legs_json jsonb", "calls.local_date date", "calls.started_at timestamp with time zone",
                               "calls.talk_secs bigint", "deals.amount numeric", "deals.closed_at date",
                               "etl_runs.run_id bigint", "funnel.conversion double precision", "rep_period.value numeric",
                               "reps.active_to date"])
        try db.run("""
            INSERT INTO deals(deal_id, title, pipeline, stage_id, stage_semantic, amount, currency, created_at, created_epoch,
                              local_date, closed_at, source_name, src_file, src_line, run_id)
            VALUES (?, 'Поставка', '0', 'WON', 'won', ?, 'RUB', ?, ?, ?, ?, 'crm', 'deals.json', 1, 1)
            """, [.text("D_1"), .real(125000.5), .text("2026-11-20T09:15:00Z"), .integer(1_763_630_100), .text("2026-11-20"),
                  .text("2026-11-21")])
        XCTAssertEqual(try db.query("SELECT created_at, local_date, closed_at, amount FROM deals", []),
                       [[.text("2026-11-20T09:15:00Z"), .text("2026-11-20"), .text("2026-11-21"), .real(125000.5)]])
        XCTAssertThrowsError(try db.run("""
            INSERT INTO deals(deal_id, title, pipeline, stage_id, stage_semantic, created_at, created_epoch, local_date,
                              source_name, src_file, src_line, run_id)
            VALUES ('D_2', '', '0', 'NEW', 'maybe', '2026-11-20T09:15:00Z', 0, '2026-11-20', 'crm', 'deals.json', 2, 1)
            """, [])) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "23514", "\($0)") }   // the check on stage_semantic
        try db.run("INSERT INTO etl_runs(pipeline, started_at, as_of, status) VALUES ('nightly', ?, '2026-11-20', 'running')",
                   [.text("2026-11-20T23:00:00Z")])
        XCTAssertEqual(try db.scalar("SELECT run_id FROM etl_runs", []), .integer(1), "run ids are assigned as SQLite assigns them")
    }
}

/// Every value the demo puts in the SQLite warehouse goes into the PostgreSQL schema through COPY and
/// reads back the same: the type mapping loses nothing the warehouse holds (instants, dates, money,
/// reals, JSON, Cyrillic text, NULLs).
final class PostgresTypeMappingTests: XCTestCase {
    /// The three JSON columns, compared as JSON (jsonb prints `[1, 2]` where SQLite keeps `[1,2]`).
    static let jsonColumns: Set<String> = ["calls.legs_json", "alerts.evidence", "calendar_events.crm_bindings"]

    /// A value as a comparable string: numbers as doubles to 12 significant digits (SQLite keeps a whole
    /// `numeric` as an integer; a sum of reals may differ in its last bit between the engines' arithmetic),
    /// JSON re-serialised.
    static func canonical(_ value: SQLValue, json: Bool) throws -> String {
        switch value {
        case .null: return "NULL"
        case let .integer(v): return "n:" + String(format: "%.12g", Double(v))
        case let .real(v): return "n:" + String(format: "%.12g", v)
        case let .text(v):
            guard json else { return "t:" + v }
            let parsed = try JSONSerialization.jsonObject(with: Data(v.utf8), options: [.fragmentsAllowed])
            return "j:" + String(decoding: try JSONSerialization.data(withJSONObject: parsed, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
        }
    }

    /// A relation read in both engines, but the columns `except` names (`table.column`): its rows in SQLite,
    /// the values compared, and the first difference of PostgreSQL's rows from them (nil when the same).
    static func compare(_ relation: String, sqlite: SQLiteDatabase, pg: PostgresConnection, except: Set<String> = [])
        throws -> (rows: Int, values: Int, difference: String?) {
        let columns = try sqlite.table("SELECT * FROM \(relation) LIMIT 0", []).columns.filter { !except.contains("\(relation).\($0)") }
        let expected = try rows(sqlite, relation, columns)
        let got = try rows(pg, relation, columns)
        let values = expected.count * columns.count
        guard got != expected else { return (expected.count, values, nil) }
        return (expected.count, values, "\(got.count) rows, \(expected.count) expected; first difference: "
                + "\(zip(got, expected).first { $0 != $1 }.map { "PostgreSQL \($0) vs SQLite \($1)" } ?? "-")")
    }

    static func rows(_ db: SQLConnection, _ table: String, _ columns: [String]) throws -> [String] {
        try db.query("SELECT \(columns.joined(separator: ", ")) FROM \(table)", []).map { row in
            try zip(columns, row).map { try canonical($1, json: jsonColumns.contains("\(table).\($0)")) }.joined(separator: "|")
        }.sorted()
    }

    struct DemoRunFailed: Error, CustomStringConvertible {
        var code: Int32
        var err: String
        var description: String { "the demo run failed (exit \(code)): \(err)" }
    }

    /// The demo run into a SQLite warehouse, every table of it copied into a new PostgreSQL schema.
    struct Demo {
        let sqlite: SQLiteDatabase
        let pg: PostgresConnection
        let tables: [String]
        let values: Int
        let done: () -> Void

        /// Creates the models' views in the PostgreSQL schema, each from its one definition.
        func installModelViews() throws {
            for model in Models.all where model.kind == .view { try pg.execute(model.createView(for: .postgres)) }
        }

        /// A relation read in both engines: its rows in SQLite, and the first difference of PostgreSQL's
        /// from them (nil when the same rows).
        func compare(_ relation: String) throws -> (rows: Int, difference: String?) {
            let (rows, _, difference) = try PostgresTypeMappingTests.compare(relation, sqlite: sqlite, pg: pg)
            return (rows, difference)
        }
    }

    static func demoInBothEngines() throws -> Demo {
        let (pg, schema, dropSchema) = try TestPostgres.scratch()
        let repo = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-pgdemo-\(UUID().uuidString)")
        var handedOver = false
        defer {
            if !handedOver {   // a failure on the way leaves nothing behind
                dropSchema()
                try? FileManager.default.removeItem(at: dir)
            }
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for sub in ["config", "pipelines", "input"] {
            try FileManager.default.copyItem(at: repo.appendingPathComponent(sub), to: dir.appendingPathComponent(sub))
        }
        let (code, _, err) = try runProcess(salesopsBinary, ["run", "--project", dir.path, "--as-of", "2026-11-20", "--no-report"])
        guard code == 0 else { throw DemoRunFailed(code: code, err: err) }
        let sqlite = try SQLiteDatabase(path: dir.appendingPathComponent("output/warehouse.sqlite").path, readOnly: true)
        try PostgresMigrations.migrate(pg, schema: schema)
        let tables = try sqlite.query("""
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' ORDER BY name
            """).map { $0[0].string! }
        var values = 0
        for table in tables {
            let source = try sqlite.table("SELECT * FROM \(table)", [])
            try pg.copy(into: table, columns: source.columns) { put in
                for row in source.rows {
                    try put(row.map {
                        switch $0 {
                        case .null: return nil
                        case let .integer(v): return String(v)
                        case let .real(v): return "\(v)"
                        case let .text(v): return v
                        }
                    })
                }
            }
            values += source.rows.count * source.columns.count
        }
        handedOver = true
        return Demo(sqlite: sqlite, pg: pg, tables: tables, values: values, done: {
            sqlite.close()
            dropSchema()
            try? FileManager.default.removeItem(at: dir)
        })
    }

    func testTheDemoWarehouseCopiedIntoPostgreSQLReadsBackValueForValue() throws {
        let demo = try Self.demoInBothEngines()
        defer { demo.done() }
        var compared = 0
        for table in demo.tables {
            let (rows, difference) = try demo.compare(table)
            XCTAssertNil(difference, table)
            compared += rows == 0 ? 0 : 1
        }
        // The migrations' views over those tables give the same rows, typed alike.
        for view in ["call_legs", "unmatched_numbers", "unmatched_addresses"] {
            let (rows, difference) = try demo.compare(view)
            XCTAssertGreaterThan(rows, 0, view)
            XCTAssertNil(difference, view)
        }
        XCTAssertEqual(try demo.pg.query("SELECT pg_typeof(leg_hash)::text, pg_typeof(first_seen)::text FROM call_legs, unmatched_numbers LIMIT 1", []),
                       [[.text("bigint"), .text("timestamp with time zone")]])
        // The demo fills most tables; the comparison is not of empty ones.
        XCTAssertGreaterThan(compared, 40, "tables with rows")
        XCTAssertGreaterThan(demo.values, 50_000)
    }
}

/// The models' views, each defined once (``Model``) for both engines, give in PostgreSQL the rows they
/// give in SQLite over the demo's data.
final class PostgresModelViewTests: XCTestCase {
    func testEveryModelViewGivesTheRowsItGivesInSQLite() throws {
        let demo = try PostgresTypeMappingTests.demoInBothEngines()
        defer { demo.done() }
        var failures: [String] = [], empty: [String] = []
        for model in Models.all where model.kind == .view {
            do {
                try demo.pg.execute(model.createView(for: .postgres))
            } catch {
                failures.append("\(model.name): \(error)")
                continue
            }
            let (rows, difference) = try demo.compare(model.name)
            if rows == 0 { empty.append(model.name) }
            if let difference { failures.append("\(model.name): \(difference)") }
        }
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
        XCTAssertEqual(empty, [], "views the demo leaves empty compare nothing")
    }
}

/// The models' tables, each rebuilt in PostgreSQL by its one definition over the demo's data, hold the
/// rows SQLite's build of the same definition holds.
final class PostgresModelTableTests: XCTestCase {
    func testEveryTableModelRebuildsTheRowsItBuildsInSQLite() throws {
        let demo = try PostgresTypeMappingTests.demoInBothEngines()
        defer { demo.done() }
        try demo.installModelViews()
        var failures: [String] = [], empty: [String] = []
        for model in Models.all where model.kind == .table {
            do {
                try demo.pg.execute(model.sql(for: .postgres))
            } catch {
                failures.append("\(model.name): \(error)")
                continue
            }
            for table in Self.tables(of: model) {
                let (rows, difference) = try demo.compare(table)
                if rows == 0 { empty.append(table) }
                if let difference { failures.append("\(model.name) (\(table)): \(difference)") }
            }
        }
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
        XCTAssertEqual(empty, [], "tables the demo leaves empty compare nothing")
    }

    /// The tables a table model writes: those its statements insert into or update (not its scratch
    /// tables in `temp`).
    static func tables(of model: Model) -> [String] {
        var names: [String] = []
        for verb in ["INSERT INTO ", "UPDATE "] {
            for part in model.sql.components(separatedBy: verb).dropFirst() {
                let name = String(part.prefix { $0.isLetter || $0 == "_" || $0 == "." })
                if !name.isEmpty, !name.hasPrefix("temp."), !names.contains(name) { names.append(name) }
            }
        }
        return names
    }
}

/// The workbooks read from PostgreSQL: over the demo's data copied there, `department.xlsx` and every
/// rep's workbook hold what they hold when read from the SQLite warehouse, cell for cell (numbers to 12
/// significant digits: a figure divided in SQL is a decimal in PostgreSQL, a double in SQLite).
final class PostgresReportTests: XCTestCase {
    static func same(_ a: [CLITests.Cell], _ b: [CLITests.Cell]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            guard let p = x.number, let q = y.number else { return x == y }
            return x.type == y.type && String(format: "%.12g", p) == String(format: "%.12g", q)
        }
    }

    func testTheWorkbooksReadFromPostgreSQLAreTheWorkbooksReadFromSQLite() throws {
        let demo = try PostgresTypeMappingTests.demoInBothEngines()
        defer { demo.done() }
        try demo.installModelViews()
        let company = CompanySettings(name: "Demo", timeZone: "Europe/Moscow")
        let asOf = CivilTime.days(fromDateString: "2026-11-20")!
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pg-reports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var books: [String: [String]] = [:]
        for (engine, source) in [("sqlite", DepartmentReport.Source.connection(demo.sqlite, .sqlite)),
                                 ("postgres", .connection(demo.pg, .postgres))] {
            let dir = folder.appendingPathComponent(engine)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let reps = try DepartmentReport(source: source, asOf: asOf, company: company).write(to: dir.appendingPathComponent("department.xlsx").path)
            books[engine] = ["department.xlsx"] + reps.map { ($0 as NSString).lastPathComponent }
        }
        XCTAssertEqual(books["postgres"], books["sqlite"])
        XCTAssertGreaterThan(books["sqlite"]?.count ?? 0, 1)
        for name in books["sqlite"] ?? [] {
            let expected = try CLITests.dump(folder.appendingPathComponent("sqlite/\(name)").path)
            let got = try CLITests.dump(folder.appendingPathComponent("postgres/\(name)").path)
            XCTAssertEqual(got.map(\.title), expected.map(\.title), name)
            for (g, e) in zip(got, expected) {
                XCTAssertEqual(g.rows.count, e.rows.count, "\(name) \(e.title)")
                for (i, (gr, er)) in zip(g.rows, e.rows).enumerated() where !Self.same(gr, er) {
                    XCTFail("\(name) \(e.title) row \(i + 1): \(gr) vs \(er)")
                    break
                }
            }
        }
    }
}
