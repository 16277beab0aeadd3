import SalesopsCore
import SalesopsSQLite

/// The CRM's reference data in the warehouse; the relations derived from the CRM tables are models
/// (``ProcessModels``).
extension Warehouse {
    /// Whether any CRM record is loaded.
    public func hasCRMData() throws -> Bool {
        try db.scalar("""
            SELECT EXISTS (SELECT 1 FROM leads) OR EXISTS (SELECT 1 FROM deals) OR EXISTS (SELECT 1 FROM activities)
                OR EXISTS (SELECT 1 FROM tasks) OR EXISTS (SELECT 1 FROM payments)
            """)?.int == 1
    }

    /// Writes the configured funnels to `funnel_stages`.
    /// Replaces the configured funnels; returns whether they differ from the ones stored.
    @discardableResult
    public func refreshFunnels(_ funnels: [Funnel]) throws -> Bool {
        let before = try funnelSignature()
        try db.execute("DELETE FROM funnel_stages; DELETE FROM pipelines;")
        for funnel in funnels {
            try db.run("INSERT INTO pipelines(pipeline, name) VALUES (?,?)", [.text(funnel.pipeline), .text(funnel.name)])
        }
        let insert = try db.statement("""
            INSERT INTO funnel_stages(pipeline, stage_id, name, stage_order, required, final, max_days) VALUES (?,?,?,?,?,?,?)
            """)
        defer { insert.finalize() }
        for funnel in funnels {
            for (i, stage) in funnel.stages.enumerated() {
                try insert.run([.text(funnel.pipeline), .text(stage.id), stage.name.map(SQLValue.text) ?? .null,
                                .integer(Int64(i + 1)), .integer(stage.required ? 1 : 0),
                                stage.final.map { .text($0 == .won ? "won" : "lost") } ?? .null,
                                stage.maxDays.map { .integer(Int64($0)) } ?? .null])
            }
        }
        return try funnelSignature() != before
    }

    private func funnelSignature() throws -> [[SQLValue]] {
        try db.query("SELECT * FROM pipelines ORDER BY pipeline")
            + db.query("SELECT * FROM funnel_stages ORDER BY pipeline, stage_order, stage_id")
    }
}
