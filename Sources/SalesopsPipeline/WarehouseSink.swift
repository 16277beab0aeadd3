import Foundation
import SalesopsCore
import SalesopsPostgres

extension PipelineRunner {
    /// `validate`'s line about the warehouse: the SQLite file, or the PostgreSQL server it reached (its
    /// version, where, as whom) and whether the schema is there. An unreachable server is a
    /// `.database` error naming the URL and libpq's reason.
    public func describeWarehouse() throws -> String {
        guard let sink = pipeline.postgres else {
            let state = FileManager.default.fileExists(atPath: warehousePath) ? "exists" : "created by the first run"
            return "warehouse: SQLite \(warehousePath) (\(state))"
        }
        let connection: PostgresConnection
        do { connection = try PostgresConnection(sink.url) } catch let error as PostgresError {
            throw SalesopsError(.database, "cannot reach the PostgreSQL warehouse \(sink.url)", cause: error.message)
        }
        defer { connection.close() }
        do {
            let version = try connection.scalar("SHOW server_version")?.string ?? "?"
            let exists = try connection.scalar("SELECT 1 FROM pg_namespace WHERE nspname = ?", [.text(sink.schema)]) != nil
            return "warehouse: PostgreSQL \(version) at \(connection.endpoint), schema \(sink.schema) "
                + (exists ? "(exists)" : "(created by the first run)")
        } catch let error as PostgresError {
            throw SalesopsError(.database, "cannot query the PostgreSQL warehouse \(sink.url)", cause: error.description)
        }
    }

    /// Loading into and reporting from a PostgreSQL warehouse are not built yet: a pipeline naming one
    /// is refused by the commands that would use it, before anything is read or written.
    func requireSQLiteWarehouse(for command: String) throws {
        guard let sink = pipeline.postgres else { return }
        throw SalesopsError(.config, "sinks.warehouse is the PostgreSQL database \(sink.url): `salesops \(command)` "
                            + "reads and writes a SQLite warehouse only in this version (`validate` checks the server); "
                            + "set sinks.warehouse to a SQLite path")
    }
}
