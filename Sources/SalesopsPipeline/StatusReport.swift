import Foundation
import SalesopsCore
import SalesopsLoad
import SalesopsPostgres
import SalesopsSQLite

extension PipelineRunner {
    /// The text of `salesops status`: the last `last` runs (newest first) with their per-source counts,
    /// then each source's freshness. Reads the warehouse without waiting for a run (WAL).
    public func statusReport(last: Int) throws -> String {
        let warehouse: Warehouse
        var server: PostgresConnection?
        if let sink = pipeline.postgres {
            let connection = try connect(sink)
            server = connection
            // Read only, and without the run lock: status never waits for a run (it sees the last commit).
            guard try PostgresMigrations.schemaExists(connection, sink.schema) else {
                connection.close()
                throw noWarehouse(in: sink)
            }
            try connection.execute("SET search_path TO \(sink.schema); SET default_transaction_read_only = on")
            warehouse = Warehouse(connection: connection, dialect: .postgres)
        } else {
            do { warehouse = try Warehouse(readingAt: warehousePath) } catch let error as SQLiteError {
                throw SalesopsError(.database, "cannot open the warehouse \(warehousePath)", cause: error.description)
            }
        }
        defer {
            warehouse.close()
            server?.close()
        }
        do {
            var lines = ["warehouse: \(warehouseName)", "recent runs:"]
            let runs = try warehouse.recentRuns(limit: last)
            if runs.isEmpty { lines.append("  none yet") }
            for run in runs {
                var took = ""
                if let end = run.finishedAt, let a = CivilTime.epoch(fromUTCString: run.startedAt),
                   let b = CivilTime.epoch(fromUTCString: end) {
                    took = ", took \(b - a) s"
                }
                lines.append("  run \(run.runID) started \(run.startedAt) as of \(run.asOf): \(run.status)\(took)")
                if let message = run.message, !message.isEmpty { lines.append("    \(message.prefix(300))") }
                for s in run.sources {
                    lines.append("    \(s.source): \(s.files) files (\(s.skipped) already loaded), \(s.read) rows read: "
                                 + "\(s.loaded) loaded, \(s.filtered) filtered, \(s.rejected) rejected")
                }
            }
            lines.append("sources:")
            let fresh = Dictionary(try warehouse.sourceFreshness().map { ($0.source, $0) }, uniquingKeysWith: { a, _ in a })
            for source in pipeline.sources {
                let f = fresh[source.name]
                lines.append("  \(source.name): newest data \(f?.lastData ?? "none"), last new rows on \(f?.lastDelivery ?? "never")")
            }
            return lines.joined(separator: "\n")
        } catch let error as SQLiteError {
            throw SalesopsError(.database, "cannot read the warehouse \(warehousePath) (run `salesops run` to upgrade it)",
                                cause: error.description)
        } catch let error as PostgresError {
            throw SalesopsError(.database, "cannot read the warehouse \(warehouseName) (run `salesops run` to upgrade it)",
                                cause: error.description)
        }
    }
}
