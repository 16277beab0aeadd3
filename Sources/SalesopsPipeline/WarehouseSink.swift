import Foundation
import SalesopsCore
import SalesopsLoad
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
        let connection = try connect(sink)
        defer { connection.close() }
        do {
            let version = try connection.scalar("SHOW server_version")?.string ?? "?"
            let exists = try PostgresMigrations.schemaExists(connection, sink.schema)
            return "warehouse: PostgreSQL \(version) at \(connection.endpoint), schema \(sink.schema) "
                + (exists ? "(exists)" : "(created by the first run)")
        } catch let error as PostgresError {
            throw SalesopsError(.database, "cannot query the PostgreSQL warehouse \(sink.url)", cause: error.description)
        }
    }

    /// A connection to the PostgreSQL warehouse; an unreachable server is a `.database` error naming the
    /// URL and libpq's reason (exit 74).
    func connect(_ sink: PostgresSink) throws -> PostgresConnection {
        do { return try PostgresConnection(sink.url) } catch let error as PostgresError {
            throw SalesopsError(.database, "cannot reach the PostgreSQL warehouse \(sink.url)", cause: error.message)
        }
    }

    /// What a command that reads the warehouse says when the server holds no such schema (exit 66).
    func noWarehouse(in sink: PostgresSink) -> SalesopsError {
        SalesopsError(.input, "no warehouse in schema \(sink.schema) at \(sink.url): run `salesops run` first")
    }

    /// The configured warehouse in messages: the SQLite path, or the PostgreSQL URL and schema.
    public var warehouseName: String {
        pipeline.postgres.map { "\($0.url) (schema \($0.schema))" } ?? warehousePath
    }

    /// Connects to the PostgreSQL warehouse for `purpose` (`run`, `report`), takes its run lock without
    /// waiting (held: exit 75, naming the holder), then creates the schema (only when `create`: a report
    /// of a warehouse that does not exist is an input error) or applies its pending migrations. Returns
    /// whether the schema existed before.
    func openPostgres(_ sink: PostgresSink, purpose: String, create: Bool = true) throws -> (PostgresConnection, PostgresRunLock, existed: Bool) {
        let connection = try connect(sink)
        do {
            // Named for the lock's holder message; the models' sorts and the bulk merges of calls kept in
            // memory (at the default 4 MB each batch's sort went to disk).
            try connection.execute("SET application_name = 'salesops \(purpose)'; SET work_mem = '64MB'")
            let lock: PostgresRunLock
            do { lock = try PostgresRunLock(connection: connection, schema: sink.schema) } catch let held as PostgresRunLock.Held {
                throw SalesopsError(.locked, "\(held.description) at \(sink.url): the \(purpose) cannot start now; "
                                    + "try again when it finishes")
            }
            let existed = try PostgresMigrations.schemaExists(connection, sink.schema)
            guard existed || create else { throw noWarehouse(in: sink) }
            try PostgresMigrations.migrate(connection, schema: sink.schema)
            return (connection, lock, existed)
        } catch let error as PostgresError {
            connection.close()
            throw SalesopsError(.database, "cannot prepare the PostgreSQL warehouse \(warehouseName)", cause: error.description)
        } catch {
            connection.close()
            throw error
        }
    }

    /// The nightly job into a PostgreSQL warehouse: the same run as into SQLite (``load(into:startedAt:dryRun:forget:)``)
    /// in one transaction of the server, under the schema's run lock. A run killed at any point leaves
    /// the schema as it was: the server rolls back the transaction of a session that ends.
    func run(into sink: PostgresSink, writeReports reports: Bool, dryRun: Bool, forget: [String]) throws -> RunOutcome {
        applyPermissions()
        let (connection, lock, existed) = try openPostgres(sink, purpose: "run")
        defer {
            lock.release()
            connection.close()
        }
        let warehouse = Warehouse(connection: connection, dialect: .postgres)
        var outcome = try loadRecorded(into: warehouse, dryRun: dryRun, forget: forget) {
            // A dry run into a schema that did not exist leaves none behind (the migrations committed one).
            if !existed { try? connection.execute("DROP SCHEMA \(sink.schema) CASCADE") }
        }
        if outcome.dryRun { return outcome }
        if reports { outcome.reportPath = try writeReports(after: outcome, warehouse: warehouse) }
        return outcome
    }

    /// `salesops report` from a PostgreSQL warehouse: under the run lock (a run in progress: exit 75),
    /// the as-of relations rebuilt for the date in a transaction, then the workbooks.
    func report(from sink: PostgresSink, asOf: Int) throws -> String {
        applyPermissions()
        let (connection, lock, _) = try openPostgres(sink, purpose: "report", create: false)
        defer {
            lock.release()
            connection.close()
        }
        let warehouse = Warehouse(connection: connection, dialect: .postgres)
        guard try connection.scalar("SELECT 1 FROM etl_runs LIMIT 1") != nil else {
            throw SalesopsError(.input, "the warehouse \(warehouseName) holds no run: run `salesops run` first")
        }
        do {
            try warehouse.run { try warehouse.prepareReport(asOf: asOf, clock: ZoneClock(identifier: config.company.timeZone)!) }
        } catch let error as PostgresError {
            throw SalesopsError(.database, "cannot read the warehouse \(warehouseName) to prepare the report", cause: error.description)
        }
        return try writeReports(asOf: asOf, from: (connection, .postgres))
    }
}
