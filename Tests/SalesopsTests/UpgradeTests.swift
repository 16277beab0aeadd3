import Foundation
import SalesopsIO
import SalesopsLoad
import SalesopsSQLite
import XCTest

/// A warehouse made by any earlier commit of main upgrades to the current schema and keeps its facts.
/// The old warehouses are real files made by the old code on its own demo data
/// (`scripts/make-upgrade-fixtures`), one per shipped schema: `Tests/Fixtures/warehouses/NN-<commit>.sqlite.gz`.
final class UpgradeTests: XCTestCase {
    static var fixtures: [URL] {
        let folder = Fixtures.root.appendingPathComponent("warehouses")
        return ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.lastPathComponent.hasSuffix(".sqlite.gz") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Decompresses a fixture through the product's own reader (zlib).
    func gunzip(_ gz: URL, to path: String) throws {
        let stream = try InputByteStream(path: gz.path)
        defer { stream.close() }
        FileManager.default.createFile(atPath: path, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? out.close() }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try stream.read(into: $0.baseAddress!, count: $0.count) }
            if n == 0 { break }
            out.write(Data(buffer[0..<n]))
        }
    }

    /// Column names of every table and view, by relation, and the names of the indexes.
    func shape(_ db: SQLConnection) throws -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for row in try db.query("""
            SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name
            """) {
            let name = row[0].string ?? ""
            out[name] = Set(try db.query("SELECT name FROM pragma_table_info(?)", [.text(name)]).compactMap { $0[0].string })
        }
        out["(indexes)"] = Set(try db.query("""
            SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'
            """).compactMap { $0[0].string })
        return out
    }

    func testEveryShippedWarehouseUpgradesKeepsItsFactsAndTakesTheNextNight() throws {
        let fixtures = Self.fixtures
        XCTAssertGreaterThanOrEqual(fixtures.count, 8, "the old-warehouse fixtures are missing")
        let repo = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-upgrade-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        // The schema a new warehouse gets today.
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let fresh = try Warehouse(path: scratch.appendingPathComponent("fresh.sqlite").path)
        let expected = try shape(fresh.db)
        fresh.close()

        for fixture in fixtures {
            let name = fixture.lastPathComponent
            let dir = scratch.appendingPathComponent(name)
            for sub in ["config", "pipelines", "input"] {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: repo.appendingPathComponent(sub), to: dir.appendingPathComponent(sub))
            }
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("output"), withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("output/warehouse.sqlite").path
            try gunzip(fixture, to: path)
            let old = try SQLiteDatabase(path: path, readOnly: true)
            let oldCalls = try old.query("SELECT call_id FROM calls ORDER BY call_id").compactMap { $0[0].string }
            let oldRuns = try old.scalar("SELECT COUNT(*) FROM etl_runs")?.int ?? 0
            old.close()
            XCTAssertGreaterThan(oldCalls.count, 100, name)

            // The next night, with today's binary and today's demo data.
            let (code, out, err) = try runProcess(salesopsBinary, ["run", "--project", dir.path, "--as-of", "2026-11-20"])
            XCTAssertEqual(code, 0, "\(name): \(err.suffix(600))")
            XCTAssertTrue(out.contains("salesops run \(oldRuns + 1) as of 2026-11-20"), "\(name): \(out)")

            let db = try SQLiteDatabase(path: path, readOnly: true)
            defer { db.close() }
            // Every migration is recorded; every relation has the columns a new warehouse has.
            let applied = Set(try db.query("SELECT name FROM schema_migrations").compactMap { $0[0].string })
            XCTAssertTrue(Set(Migrations.all.map(\.name)).isSubset(of: applied), "\(name): \(applied.sorted())")
            let upgraded = try shape(db)
            for (relation, columns) in expected where relation != "(indexes)" {
                XCTAssertEqual(upgraded[relation], columns, "\(name): \(relation)")
            }
            // Every index a new warehouse has (an index an old commit made, or an analyst's own, may stay).
            let missingIndexes = expected["(indexes)", default: []].subtracting(upgraded["(indexes)", default: []])
            XCTAssertEqual(missingIndexes, [], name)
            // Facts are history: every call the old warehouse held is still there, its legs readable.
            let now = Set(try db.query("SELECT call_id FROM calls").compactMap { $0[0].string })
            XCTAssertTrue(Set(oldCalls).isSubset(of: now), "\(name): \(Set(oldCalls).subtracting(now).prefix(5))")
            XCTAssertEqual(try db.scalar("SELECT COUNT(*) FROM calls WHERE legs != json_array_length(legs_json)")?.int, 0, name)
            XCTAssertEqual(try db.scalar("""
                SELECT COUNT(*) FROM etl_sources WHERE rows_read != rows_loaded + rows_filtered + rows_rejected
                """)?.int, 0, name)
            XCTAssertEqual(try db.scalar("PRAGMA integrity_check")?.string, "ok", name)
            // The models are built over the whole history the old warehouse held, not only the new night.
            XCTAssertEqual(try db.scalar("""
                SELECT COUNT(*) FROM (SELECT DISTINCT local_date FROM calls WHERE direction != 'internal')
                WHERE local_date NOT IN (SELECT local_date FROM rep_daily_calls)
                """)?.int, 0, name)
            XCTAssertGreaterThan(try db.scalar("SELECT COUNT(*) FROM rep_period WHERE as_of = '2026-11-20'")?.int ?? 0, 0, name)
            XCTAssertGreaterThan(try db.scalar("SELECT COUNT(*) FROM alerts WHERE as_of = '2026-11-20'")?.int ?? 0, 0, name)
        }
    }
}
