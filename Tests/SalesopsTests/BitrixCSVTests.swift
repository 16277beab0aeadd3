import XCTest

/// Bitrix24 UI exports of deals (FORMATS.md §3.1) load as the REST dump of the same deals does.
final class BitrixCSVTests: XCTestCase {
    static let columns = """
        SELECT deal_id, title, pipeline, stage_id, stage_semantic, rep_id, crm_user_id, amount, currency, created_at,
               local_date, closed_at, lead_id FROM deals ORDER BY deal_id
        """

    func load(_ deals: (String, String, [String], String)) throws -> [[String]] {
        let project = try TestProject(sources: [
            ("users", "bitrix24_rest", ["ui_export/users.json"], "    method: user.get\n"), deals,
        ])
        defer { project.remove() }
        let outcome = try project.run(asOf: "2026-11-20")
        XCTAssertTrue(outcome.stats.allSatisfy(\.balances))
        return try project.rows(Self.columns)
    }

    func testTheCp1251UIExportAndTheRESTDumpLoadIdentically() throws {
        let rest = try load(("deals", "bitrix24_rest", ["ui_export/deals_rest.json"], "    method: crm.deal.list\n"))
        XCTAssertEqual(rest.count, 4)
        XCTAssertEqual(rest[0], ["D1", "Поставка «Вектор»", "0", "WON", "won", "r01", "11", "50000.0", "RUB",
                                 "2026-11-02T07:00:00Z", "2026-11-02", "2026-11-12", "NULL"])
        let csv = { (file: String) in
            try self.load(("deals", "bitrix24_csv", ["ui_export/\(file)"], "    entity: deals\n    time_zone: Europe/Moscow\n"))
        }
        XCTAssertEqual(try csv("DEAL_20261121_1a2b3c4d_66d4.csv"), rest)   // windows-1251, no BOM
        XCTAssertEqual(try csv("DEAL_20261121_utf8_bom.csv"), rest)        // UTF-8 with a BOM
    }

    func testProductRowsAreOneDealNamesMapAndUnknownStagesAreRejected() throws {
        let project = try TestProject(sources: [
            ("deals", "bitrix24_csv", ["ui_export/DEAL_20261121_1a2b3c4d_66d4.csv"], "    entity: deals\n"),
        ])
        defer { project.remove() }
        let stats = try project.run(asOf: "2026-11-20").stats[0]
        XCTAssertEqual([stats.rowsRead, stats.rowsLoaded, stats.rowsRejected], [5, 4, 0])
        XCTAssertEqual(stats.filtered, ["product_row": 1])
        // Without the users list the CRM user stays a name; the roster's crm_names still find r01 (r02 has none).
        XCTAssertEqual(try project.rows("SELECT deal_id, rep_id, crm_user_id, amount FROM deals ORDER BY deal_id"), [
            ["D1", "r01", "Анна Смирнова", "50000.0"], ["D3", "NULL", "Борис Кузнецов", "5000.0"],
            ["D4", "NULL", "Борис Кузнецов", "0.0"], ["D7", "r01", "Анна Смирнова", "12500.5"],
        ])
        // A stage name the CRM never defined is a located reject.
        let file = project.dir.appendingPathComponent("input/deals/DEAL_20261121_1a2b3c4d_66d4.csv")
        var text = try String(contentsOf: file, encoding: .windowsCP1251)
        text = text.replacingOccurrences(of: "\"В работе\"", with: "\"На паузе\"")
        try text.write(to: file, atomically: true, encoding: .windowsCP1251)
        try project.run(asOf: "2026-11-20")
        XCTAssertEqual(try project.rows("SELECT src_line, reason FROM rejects WHERE run_id = 2"),
                       [["4", "unknown stage 'На паузе' in pipeline 0 (load crm.status.list first or name it in funnels)"]])
    }

    func testStageHistoryIsDerivedFromNightlySnapshots() throws {
        let project = try TestProject(sources: [
            ("deals", "bitrix24_csv", ["ui_export/DEAL_20261121_1a2b3c4d_66d4.csv"], "    entity: deals\n"),
        ])
        defer { project.remove() }
        try project.run(asOf: "2026-11-20")
        // The next night's export, with the modification time: D3 was won on the 21st, D7 did not move.
        let file = project.dir.appendingPathComponent("input/deals/DEAL_20261121_1a2b3c4d_66d4.csv")
        let rows = [
            ["ID", "Дата изменения", "Стадия сделки", "Направление", "Ответственный", "Дата создания"],
            ["D3", "21.11.2026 15:30:00", "Сделка успешна", "Общее", "Борис Кузнецов", "05.11.2026 10:00:00"],
            ["D7", "15.11.2026 09:30:00", "Счёт на предоплату", "Общее", "Анна Смирнова", "15.11.2026 09:30:00"],
        ]
        try rows.map { $0.map { "\"\($0)\";" }.joined() + "\n" }.joined()
            .write(to: file, atomically: true, encoding: .windowsCP1251)
        try project.run(asOf: "2026-11-21")
        XCTAssertEqual(try project.rows("""
            SELECT deal_id, stage_id, entered_at, history_id FROM deal_stage_history WHERE deal_id IN ('D3', 'D7')
            ORDER BY deal_id, entered_epoch
            """), [
            ["D3", "EXECUTING", "2026-11-05T07:00:00Z", "NULL"], ["D3", "WON", "2026-11-21T12:30:00Z", "NULL"],
            ["D7", "PREPAYMENT_INVOICE", "2026-11-15T06:30:00Z", "NULL"],
        ])
    }

    func testLeadsUIExport() throws {
        // Default Bitrix24 names map statuses; sources map through the portal's list when loaded, else stay
        // as written; typed phone columns and ", "-joined values are all kept.
        let project = try TestProject(sources: [
            ("leads", "bitrix24_csv", ["ui_export/LEAD_20261121_0a1b2c3d_66d4.csv"], "    entity: leads\n"),
        ])
        defer { project.remove() }
        try project.run(asOf: "2026-11-20")
        XCTAssertEqual(try project.rows("""
            SELECT lead_id, local_date, rep_id, source, status_id, status_semantic, junk_reason FROM leads ORDER BY lead_id
            """), [
            ["L-1", "2026-11-10", "r01", "Веб-сайт", "CONVERTED", "converted", "NULL"],
            ["L-2", "2026-11-10", "NULL", "Звонок", "JUNK", "junk", "спам"],
        ])
        XCTAssertEqual(try project.rows("SELECT lead_id, kind, normalized FROM lead_contacts ORDER BY lead_id, kind, normalized"), [
            ["L-1", "email", "petrov@client.ru"], ["L-1", "phone", "+79160000001"], ["L-1", "phone", "+79160000002"],
            ["L-2", "phone", "+74951112233"],
        ])
        XCTAssertEqual(try project.rows("SELECT src_line, reason FROM rejects"),
                       [["4", "unknown lead status 'Не пойми что' (load crm.status.list first)"]])
    }
}
