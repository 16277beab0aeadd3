import Foundation
import SalesopsCore
import SalesopsLoad
import SalesopsSQLite
import XCTest

/// How a call keeps its legs (`calls.legs_json`, read through the `call_legs` view) and how an older
/// warehouse with one `call_legs` row per leg is carried over.
final class WarehouseTests: XCTestCase {
    var path = ""

    override func setUp() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-wh-\(UUID().uuidString).sqlite").path
    }

    override func tearDown() {
        for suffix in ["", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    func leg(line: Int, file: String = "input/pbx/a.csv", source: String = "pbx", hash: Int64, sequence: Int?,
             raw: String?, unmatched: String? = nil) -> CallLegFacts {
        CallLegFacts(callKey: "1762761600.10", source: source, position: SourcePosition(file: file, line: line),
                     runID: 3, legHash: hash, sequence: sequence, start: 1_762_761_600, duration: 95, billsec: 80,
                     disposition: .answered, callerKind: .external, calleeKind: .rep, callerRep: nil,
                     calleeRep: "r02", externalRaw: raw, externalE164: raw == nil ? nil : "+74951234567",
                     direction: .inbound, unmatched: unmatched)
    }

    func testLegsWithAwkwardTextReadBackThroughTheCallLegsView() throws {
        let warehouse = try Warehouse(path: path)
        defer { warehouse.close() }
        let legs = [
            leg(line: 7, hash: .min, sequence: nil, raw: "\"Иванов\\ \u{1}\" 8(495)123-45-67"),
            leg(line: 2, file: "input/pbx/b.csv", source: "spb", hash: 42, sequence: 0, raw: nil, unmatched: "555"),
            leg(line: 9, hash: .max, sequence: 12, raw: "84951234567"),
        ]
        let buffer = CallLegsJSON.Buffer(capacity: 8)   // grows as needed
        CallLegsJSON.encode(legs, file: "input/pbx/a.csv", source: "pbx", into: buffer)
        let encoded = Array(buffer.bytes)
        // Trailing nulls are left out; a leg from another file and source names them.
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), """
            [[7,3,-9223372036854775808,null,1762761600,95,80,"answered","inbound","external","rep",null,"r02",\
            "\\"Иванов\\\\ \\u0001\\" 8(495)123-45-67","+74951234567"],\
            [2,3,42,0,1762761600,95,80,"answered","inbound","external","rep",null,"r02",null,null,\
            "input/pbx/b.csv","spb","555"],\
            [9,3,9223372036854775807,12,1762761600,95,80,"answered","inbound","external","rep",null,"r02",\
            "84951234567","+74951234567"]]
            """)
        try warehouse.db.run("""
            INSERT INTO calls(call_id, started_at, start_epoch, local_date, direction, rep_id, disposition, ring_secs,
                              talk_secs, is_effective, legs, source, src_file, src_line, run_id, legs_json)
            VALUES ('1762761600.10', '2025-11-10T08:00:00Z', 1762761600, '2025-11-10', 'inbound', 'r02', 'answered',
                    15, 80, 1, 3, 'pbx', 'input/pbx/a.csv', 7, 3, ?)
            """, [.text(String(decoding: encoded, as: UTF8.self))])
        let rows = try warehouse.db.query("""
            SELECT source, src_file, src_line, leg_hash, sequence, external_raw, external_e164, unmatched
            FROM call_legs ORDER BY src_line
            """).map { $0.map { $0.string ?? ($0.int.map(String.init) ?? "NULL") } }
        XCTAssertEqual(rows, [
            ["spb", "input/pbx/b.csv", "2", "42", "0", "NULL", "NULL", "555"],
            ["pbx", "input/pbx/a.csv", "7", "-9223372036854775808", "NULL", "\"Иванов\\ \u{1}\" 8(495)123-45-67",
             "+74951234567", "NULL"],
            ["pbx", "input/pbx/a.csv", "9", "9223372036854775807", "12", "84951234567", "+74951234567", "NULL"],
        ])
    }

    func testAnOlderWarehouseKeepsItsLegsAfterTheMigration() throws {
        // A warehouse as migrations 001–003 left it: one call_legs row per leg.
        let db = try SQLiteDatabase(path: path)
        try db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        for migration in Migrations.all.prefix(3) {
            try db.execute(migration.sql)
            try db.run("INSERT INTO schema_migrations(name) VALUES (?)", [.text(migration.name)])
        }
        try db.execute("""
            INSERT INTO calls(call_id, started_at, start_epoch, local_date, direction, rep_id, disposition, ring_secs,
                              talk_secs, is_effective, legs, source, src_file, src_line, run_id)
            VALUES ('c1', '2025-11-10T08:00:00Z', 1762761600, '2025-11-10', 'inbound', 'r02', 'answered', 15, 80, 1, 2,
                    'pbx', 'input/pbx/a.csv', 4, 1);
            INSERT INTO call_legs(call_id, leg_hash, source, src_file, src_line, run_id, sequence, start_epoch, duration,
                                  billsec, disposition, direction, caller_kind, callee_kind, caller_rep, callee_rep,
                                  external_raw, external_e164, unmatched)
            VALUES ('c1', 11, 'pbx', 'input/pbx/a.csv', 4, 1, NULL, 1762761600, 20, 0, 'no_answer', 'inbound',
                    'external', 'company', NULL, NULL, '84951234567', '+74951234567', '555'),
                   ('c1', 12, 'pbx', 'input/pbx/a-1.csv', 5, 1, 7, 1762761600, 95, 80, 'answered', 'inbound',
                    'external', 'rep', NULL, 'r02', '84951234567', '+74951234567', NULL);
            """)
        db.close()

        let warehouse = try Warehouse(path: path)
        defer { warehouse.close() }
        let legs = try warehouse.db.query("""
            SELECT call_id, leg_hash, source, src_file, src_line, run_id, sequence, duration, disposition, callee_kind,
                   callee_rep, external_e164, unmatched FROM call_legs ORDER BY leg_hash
            """).map { $0.map { $0.string ?? ($0.int.map(String.init) ?? "NULL") } }
        XCTAssertEqual(legs, [
            ["c1", "11", "pbx", "input/pbx/a.csv", "4", "1", "NULL", "20", "no_answer", "company", "NULL",
             "+74951234567", "555"],
            ["c1", "12", "pbx", "input/pbx/a-1.csv", "5", "1", "7", "95", "answered", "rep", "r02", "+74951234567",
             "NULL"],
        ])
        XCTAssertEqual(try warehouse.db.query("SELECT source, number, legs, first_seen FROM unmatched_numbers")
            .map { $0.map { $0.string ?? ($0.int.map(String.init) ?? "NULL") } },
                       [["pbx", "555", "1", "2025-11-10T08:00:00Z"]])
        XCTAssertEqual(try warehouse.db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'calls_daily'")?.int, 1)
    }

    func testAChangedEffectiveCallThresholdReflagsEveryStoredCall() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        try project.run()
        let flags = "SELECT talk_secs, is_effective FROM calls ORDER BY talk_secs"
        XCTAssertEqual(try project.rows(flags), [["30", "0"], ["31", "1"]])
        let team = project.dir.appendingPathComponent("config/team.yml")
        let text = try String(contentsOf: team, encoding: .utf8)
        XCTAssertTrue(text.contains("effective_call_secs: 30"))
        try text.replacingOccurrences(of: "effective_call_secs: 30", with: "effective_call_secs: 29")
            .write(to: team, atomically: true, encoding: .utf8)
        try project.run()
        XCTAssertEqual(try project.rows(flags), [["30", "1"], ["31", "1"]])
        try text.replacingOccurrences(of: "effective_call_secs: 30", with: "effective_call_secs: 31")
            .write(to: team, atomically: true, encoding: .utf8)
        try project.run()
        XCTAssertEqual(try project.rows(flags), [["30", "0"], ["31", "0"]])
    }

    func testStageEntriesTakeTheirDealsRepAndAnEntryOfNoKnownDealHasNone() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-owners-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let warehouse = try Warehouse(path: dir.appendingPathComponent("warehouse.sqlite").path)
        defer { warehouse.close() }
        try warehouse.db.execute("""
            INSERT INTO deals(deal_id, title, pipeline, stage_id, stage_semantic, rep_id, amount, currency, created_at,
                              created_epoch, local_date, source_name, src_file, src_line, run_id)
            VALUES ('D1', 'moved to r02', '0', 'NEW', 'open', 'r02', 1, 'RUB', '2026-11-20T06:00:00Z', 1795154400, '2026-11-20', 'crm', 'f', 1, 1),
                   ('D2', 'kept by r01', '0', 'NEW', 'open', 'r01', 1, 'RUB', '2026-11-20T06:00:00Z', 1795154400, '2026-11-20', 'crm', 'f', 2, 1),
                   ('D3', 'no rep', '0', 'NEW', 'open', NULL, 1, 'RUB', '2026-11-20T06:00:00Z', 1795154400, '2026-11-20', 'crm', 'f', 3, 1);
            WITH v(deal, rep) AS (VALUES ('D1', 'r01'), ('D2', 'r01'), ('D3', 'r01'), ('D4', 'r01'), ('D5', NULL))
            INSERT INTO deal_stage_history(deal_id, stage_id, pipeline, entered_at, entered_epoch, rep_id, source_name, src_file,
                                           src_line, run_id)
            SELECT deal, 'NEW', '0', '2026-11-20T06:00:00Z', 1795154400, rep, 'crm', 'f', 0, 1 FROM v;
            """)
        try Models.build(["crm_owners"], warehouse.db)
        XCTAssertEqual(try warehouse.db.query("SELECT deal_id, rep_id FROM deal_stage_history ORDER BY deal_id").map { $0.map { $0.string ?? "NULL" } },
                       [["D1", "r02"], ["D2", "r01"], ["D3", "NULL"], ["D4", "NULL"], ["D5", "NULL"]])
    }
}
