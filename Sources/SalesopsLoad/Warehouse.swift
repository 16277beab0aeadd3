import Foundation
import SalesopsCore
import SalesopsSQLite

/// The SQLite warehouse: schema, run ledger, bulk loads and the SQL that derives calls' metrics.
///
/// A run happens inside one transaction (``run(_:)``), so a killed run leaves the warehouse as it was.
/// What a changed setting requires of the derived rows, least to most.
public enum ReferenceChange: Int, Comparable, Sendable {
    case none, rebuild, regroup

    public static func < (a: ReferenceChange, b: ReferenceChange) -> Bool { a.rawValue < b.rawValue }
}

public final class Warehouse {
    /// The warehouse's connection, SQLite or PostgreSQL; `dialect` says which SQL it reads.
    public let db: SQLConnection
    public let dialect: SQLDialect
    /// The SQLite database, when the warehouse is one (its journal mode and page cache are set here).
    let sqlite: SQLiteDatabase?
    /// SQLite's page cache, in KiB (a night's peak RSS stays under 64 MB with it).
    static let pageCacheKiB = 8192
    /// Each table model the last ``buildModels(asOf:clock:allDates:)`` ran, with its wall seconds.
    public internal(set) var modelSeconds: [(model: String, secs: Double)] = []

    /// Opens or creates the warehouse at `path` and applies pending migrations.
    ///
    /// The warehouse is kept in WAL mode: analysts reading it (an open transaction in DBeaver, a
    /// long query in pandas) never block the night's commit, and see the warehouse as it was before
    /// the run until the run commits, never half of it. The WAL file is cut back to 64 MB after each
    /// checkpoint. A warehouse created by this open has no readers yet: its first load runs with a
    /// rollback journal (WAL would write every page twice: 1M CDR rows took 12.6–13.2 s instead of
    /// 10.1–11.7 s) and ``useWAL()`` switches it once that load has committed.
    public init(path: String) throws {
        let isNew = !FileManager.default.fileExists(atPath: path)
        let db = try SQLiteDatabase(path: path)
        self.db = db
        sqlite = db
        dialect = .sqlite
        try db.execute("PRAGMA foreign_keys = OFF; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -\(Self.pageCacheKiB);")
        try db.execute("PRAGMA journal_size_limit = 67108864")
        // Large sorts (an index built after a first load, the models' GROUP BYs) take one helper
        // thread: the build of 1M calls' indexes 1.4 → 1.0 s; a second helper cost 8 MB more for nothing.
        try db.execute("PRAGMA threads = 1")
        // A reader holding the old rollback-journal warehouse open can refuse the switch: the night
        // then runs as before and a later one switches.
        if !isNew { try? useWAL() }
        try Migrations.migrate(db)
        try createBulkIndexes()
    }

    /// Opens an existing warehouse only to read it (`salesops status`): no migration, no write; it can
    /// still recover what a killed run left.
    public init(readingAt path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SalesopsError(.input, "no warehouse at \(path): run `salesops run` first")
        }
        let db = try SQLiteDatabase(path: path)
        self.db = db
        sqlite = db
        dialect = .sqlite
        try db.execute("PRAGMA query_only = 1")
    }

    /// A warehouse on a server connection whose schema is migrated and on the search path
    /// (``PostgresMigrations/migrate(_:schema:)``).
    public init(connection: SQLConnection, dialect: SQLDialect) {
        db = connection
        self.dialect = dialect
        sqlite = nil
    }

    /// Switches the warehouse to WAL mode (a no-op when it is in WAL mode already); call it outside
    /// a transaction.
    public func useWAL() throws {
        guard let db = sqlite else { return }
        let mode = try db.scalar("PRAGMA journal_mode = WAL")?.string
        guard mode == "wal" else {
            throw SalesopsError(.database, "the warehouse cannot be switched to WAL mode (journal mode \(mode ?? "unknown"))")
        }
    }

    public func close() { sqlite?.close() }

    /// Runs `body` in one transaction.
    public func run<T>(_ body: () throws -> T) throws -> T { try db.transaction(body) }

    // MARK: - Run ledger

    /// Inserts the run's row with status `running` and returns its id.
    public func beginRun(pipeline: String, asOf: String, startedAt: String) throws -> Int64 {
        let next = (try db.scalar("SELECT COALESCE(MAX(run_id), 0) + 1 FROM etl_runs")?.int) ?? 1
        try db.run("INSERT INTO etl_runs(run_id, pipeline, started_at, as_of, status) VALUES (?,?,?,?, 'running')",
                     [.integer(Int64(next)), .text(pipeline), .text(startedAt), .text(asOf)])
        return Int64(next)
    }

    /// Records per-source accounting (with each source's kind) and closes the run's row.
    public func finishRun(_ runID: Int64, stats: [SourceStats], kinds: [String: String], status: String, finishedAt: String,
                          message: String? = nil) throws {
        let source = try db.statement("""
            INSERT INTO etl_sources(run_id, source, kind, files_read, files_skipped, rows_read, rows_loaded,
                                    rows_filtered, rows_rejected) VALUES (?,?,?,?,?,?,?,?,?)
            """)
        let filtered = try db.statement("INSERT INTO etl_filtered(run_id, source, reason, rows) VALUES (?,?,?,?)")
        defer { source.finalize(); filtered.finalize() }
        for s in stats {
            try source.run([.integer(runID), .text(s.source), .text(kinds[s.source] ?? ""), .integer(Int64(s.filesRead)),
                            .integer(Int64(s.filesSkipped)), .integer(Int64(s.rowsRead)),
                            .integer(Int64(s.rowsLoaded)), .integer(Int64(s.rowsFiltered)),
                            .integer(Int64(s.rowsRejected))])
            for (reason, rows) in s.filtered.sorted(by: { $0.key < $1.key }) {
                try filtered.run([.integer(runID), .text(s.source), .text(reason), .integer(Int64(rows))])
            }
        }
        try db.run("""
            UPDATE etl_runs SET status = ?, finished_at = ?, message = ?,
                files_read = ?, files_skipped = ?, rows_read = ?, rows_loaded = ?, rows_filtered = ?, rows_rejected = ?
            WHERE run_id = ?
            """, [.text(status), .text(finishedAt), message.map(SQLValue.text) ?? .null,
                  .integer(Int64(stats.reduce(0) { $0 + $1.filesRead })),
                  .integer(Int64(stats.reduce(0) { $0 + $1.filesSkipped })),
                  .integer(Int64(stats.reduce(0) { $0 + $1.rowsRead })),
                  .integer(Int64(stats.reduce(0) { $0 + $1.rowsLoaded })),
                  .integer(Int64(stats.reduce(0) { $0 + $1.rowsFiltered })),
                  .integer(Int64(stats.reduce(0) { $0 + $1.rowsRejected })), .integer(runID)])
    }

    /// Sets how a committed run ended when a step after its commit failed (`report_failed`).
    public func markRun(_ runID: Int64, status: String, message: String) throws {
        try db.run("UPDATE etl_runs SET status = ?, message = ? WHERE run_id = ?", [.text(status), .text(message), .integer(runID)])
    }

    /// Records a run that failed (after its transaction was rolled back), so the ledger shows it.
    public func recordFailedRun(pipeline: String, asOf: String, startedAt: String, finishedAt: String,
                                message: String) throws {
        try db.transaction {
            let id = try beginRun(pipeline: pipeline, asOf: asOf, startedAt: startedAt)
            try db.run("UPDATE etl_runs SET status = 'failed', finished_at = ?, message = ? WHERE run_id = ?",
                         [.text(finishedAt), .text(message), .integer(id)])
        }
    }

    // MARK: - Reference data

    /// Writes the roster, norms, absences, calendar, settings and captions from the config. Returns
    /// what a changed setting requires: regrouping every call (time zone, extension length) or
    /// rebuilding every derived row (thresholds, language).
    @discardableResult
    public func refreshReference(config: ProjectConfig, calendar days: ClosedRange<Int>) throws -> ReferenceChange {
        let rep = try db.statement("""
            INSERT INTO reps(rep_id, name, team, active_from, active_to) VALUES (?,?,?,?,?)
            ON CONFLICT(rep_id) DO UPDATE SET name = excluded.name, team = excluded.team,
                active_from = excluded.active_from, active_to = excluded.active_to
            WHERE (reps.name, reps.team, reps.active_from, reps.active_to) IS DISTINCT FROM (excluded.name, excluded.team,
                excluded.active_from, excluded.active_to)
            """)
        let number = try db.statement("INSERT INTO rep_numbers(rep_id, kind, number) VALUES (?,?,?)")
        let norm = try db.statement("INSERT INTO norm_rules(scope, scope_id, metric, per, value) VALUES (?,?,?,?,?)")
        let absence = try db.statement("INSERT INTO absences(rep_id, from_date, to_date, kind, origin) VALUES (?,?,?,?,?)")
        defer { rep.finalize(); number.finalize(); norm.finalize(); absence.finalize() }
        try db.execute("DELETE FROM rep_numbers; DELETE FROM norm_rules; DELETE FROM absences;")
        for r in config.reps {
            try rep.run([.text(r.id), .text(r.name), .text(r.team),
                         r.activeFrom.map { .text(CivilTime.dateString(days: $0)) } ?? .null,
                         r.activeTo.map { .text(CivilTime.dateString(days: $0)) } ?? .null])
            for e in Set(r.extensions).sorted() { try number.run([.text(r.id), .text("extension"), .text(e)]) }
            for d in Set(r.dids).sorted() { try number.run([.text(r.id), .text("did"), .text(d)]) }
        }
        let levels: [(String, [String: [NormMetric: NormValue]])] = [
            ("department", ["": config.norms.department]), ("team", config.norms.teams), ("rep", config.norms.reps)]
        for (scope, owners) in levels {
            for (owner, values) in owners.sorted(by: { $0.key < $1.key }) {
                for (metric, value) in values.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    try norm.run([.text(scope), .text(owner), .text(metric.rawValue), .text(value.per.rawValue), .real(value.value)])
                }
            }
        }
        for a in config.absences {
            try absence.run([.text(a.rep), .text(CivilTime.dateString(days: a.from)), .text(CivilTime.dateString(days: a.to)),
                             .text(a.kind), .text("\(a.file):\(a.line)")])
        }
        try refreshWorktimeReference(config)
        try refreshMetricsAndCaptions()
        let day = try db.statement("""
            INSERT INTO calendar(local_date, iso_weekday, is_business_day) VALUES (?,?,?)
            ON CONFLICT(local_date) DO UPDATE SET is_business_day = excluded.is_business_day
            WHERE calendar.is_business_day != excluded.is_business_day
            """)
        defer { day.finalize() }
        for d in days {
            try day.run([.text(CivilTime.dateString(days: d)), .integer(Int64(CivilTime.isoWeekday(days: d))),
                         .integer(config.company.isBusinessDay(d) ? 1 : 0)])
        }
        let settings: [(String, String, ReferenceChange)] = [
            ("time_zone", config.company.timeZone, .regroup),
            ("max_extension_digits", String(config.company.maxExtensionDigits), .regroup),
            ("effective_call_secs", String(config.thresholds.effectiveCallSecs), .rebuild),
            ("callback_window_mins", String(config.thresholds.callbackWindowMins), .rebuild),
            ("lead_sla_mins", String(config.thresholds.leadSLAMins), .rebuild),
            ("decline_alert_pct", String(config.thresholds.declineAlertPct), .rebuild),
            ("deal_touch_days", String(config.thresholds.dealTouchDays), .rebuild),
            ("report_language", config.company.reportLanguage.rawValue, .rebuild),
        ]
        var change = ReferenceChange.none
        for (key, value, needs) in settings {
            let old = try db.scalar("SELECT value FROM settings WHERE key = ?", [.text(key)])?.string
            if old != nil && old != value { change = max(change, needs) }
            if old != value {
                try db.run("INSERT INTO settings(key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                             [.text(key), .text(value)])
            }
        }
        if change != .none {
            // A threshold is read by the models; the stored flag of each call follows it.
            let effective = dialect.flag("disposition = 'answered' AND talk_secs > (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'effective_call_secs')")
            try db.execute("UPDATE calls SET is_effective = (\(effective)) WHERE is_effective != (\(effective))")
        }
        return change
    }

    /// Writes what names a rep in the work-time sources (CRM user ids, badges, folded names), each rep's
    /// working hours, and the patterns that classify calendar events. The work-time model reads them
    /// whole each build, so a change applies to every loaded day.
    func refreshWorktimeReference(_ config: ProjectConfig) throws {
        try db.execute("DELETE FROM rep_keys; DELETE FROM rep_schedules; DELETE FROM calendar_patterns;")
        let key = try db.statement(dialect.insertIgnoring(into: "rep_keys", "(kind, key, rep_id) VALUES (?,?,?)"))
        let schedule = try db.statement(dialect.insertReplacing(into: "rep_schedules", columns: ["rep_id", "start_sec", "end_sec", "scope"],
                                                                key: ["rep_id"]))
        let pattern = try db.statement(dialect.insertIgnoring(into: "calendar_patterns", "(category, pattern) VALUES (?,?)"))
        defer { key.finalize(); schedule.finalize(); pattern.finalize() }
        for rep in config.reps {
            let keys = rep.crmUserIDs.map { ("crm_user", $0.trimmingSpaces) } + rep.badges.map { ("badge", CRMNames.key($0)) }
                + ([rep.name] + rep.crmNames).map { ("name", CRMNames.key($0)) }
            for (kind, value) in keys where !value.isEmpty { try key.run([.text(kind), .text(value), .text(rep.id)]) }
            let (hours, scope) = config.workday(for: rep)
            try schedule.run([.text(rep.id), .integer(Int64(hours.start)), .integer(Int64(hours.end)), .text(scope)])
        }
        let w = config.worktime
        for (category, values) in [("absence", w.absencePatterns), ("trip", w.tripPatterns), ("marketing", w.marketingPatterns),
                                   ("office", w.officeLocations)] {
            for value in values { try pattern.run([.text(category), .text(CRMNames.key(value))]) }
        }
    }

    /// Writes the reported metrics (in report order) and the captions the models' SQL uses.
    func refreshMetricsAndCaptions() throws {
        let metrics: [[String]] = NormMetric.allCases.map { [$0.rawValue, "1", $0.unit] } + [["missed_in", "0", "count"]]
        let current = try db.query("SELECT metric, normable, unit FROM metrics ORDER BY position").map { $0.map { $0.string ?? "" } }
        if current != metrics {
            try db.execute("DELETE FROM metrics")
            for (i, m) in metrics.enumerated() {
                try db.run("INSERT INTO metrics(metric, position, normable, unit) VALUES (?,?,?,?)",
                           [.text(m[0]), .integer(Int64(i + 1)), .integer(Int64(m[1])!), .text(m[2])])
            }
        }
        // Keys and languages are ASCII: Swift's order and SQLite's BINARY order agree.
        let wanted = ["en", "ru"].flatMap { language in
            WarehouseCaptions.table.sorted { $0.key < $1.key }.map { [language, $0.key, language == "ru" ? $0.value.ru : $0.value.en] }
        }
        let stored = try db.query("SELECT language, key, text FROM captions ORDER BY language, key").map { $0.map { $0.string ?? "" } }
        guard stored != wanted else { return }
        try db.execute("DELETE FROM captions")
        let insert = try db.statement("INSERT INTO captions(language, key, text) VALUES (?,?,?)")
        defer { insert.finalize() }
        for row in wanted { try insert.run(row.map(SQLValue.text)) }
    }

    // MARK: - Files and rejects

    /// Whether this exact file version (path and hash) was loaded by an earlier run.
    public func isLoaded(path: String, sha256: String) throws -> Bool {
        try db.scalar("SELECT 1 FROM etl_files WHERE path = ? AND sha256 = ?", [.text(path), .text(sha256)]) != nil
    }

    /// Whether a file version of exactly `bytes` bytes of content was loaded: a file of another size
    /// holds none of the loaded contents.
    public func hasVersion(bytes: Int64) throws -> Bool {
        try db.scalar("SELECT 1 FROM etl_files WHERE bytes = ? LIMIT 1", [.integer(bytes)]) != nil
    }

    /// A file version loaded earlier, as recorded in `etl_files`.
    public struct FileVersion: Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var bytes: Int64
        /// Where a grown version of the file may be read on from, if recorded.
        public var resume: ResumePoint?
        /// SHA-256 of the bytes before the resume offset.
        public var resumeSHA256: String?
        /// The file's stat key when it was hashed (`FileStat.key(hashedAt:)`), if recorded.
        public var statKey: String? = nil
        /// The SHA-256 state after the bytes before the resume offset (hex), and the hash of the first
        /// and last 64 KiB before it: a file grown from this version is hashed on from there.
        public var resumeState: String? = nil
        public var resumeSample: String? = nil

        public init(path: String, sha256: String, bytes: Int64, resume: ResumePoint? = nil, resumeSHA256: String? = nil,
                    statKey: String? = nil, resumeState: String? = nil, resumeSample: String? = nil) {
            self.path = path
            self.sha256 = sha256
            self.bytes = bytes
            self.resume = resume
            self.resumeSHA256 = resumeSHA256
            self.statKey = statKey
            self.resumeState = resumeState
            self.resumeSample = resumeSample
        }
    }

    /// The newest version of `path` loaded, if any.
    public func lastVersion(path: String) throws -> FileVersion? {
        try version("WHERE path = ? ORDER BY run_id DESC, \(newerFirst()) LIMIT 1", [.text(path)])
    }

    /// Of two versions of a path recorded by one run, the newer first: SQLite's later row; PostgreSQL,
    /// which keeps no row order, the longer file (a run records a second version of a path only when
    /// the file grew while it was read again).
    private func newerFirst(_ table: String? = nil) -> String {
        let prefix = table.map { "\($0)." } ?? ""
        return dialect.engine == .sqlite ? "\(prefix)rowid DESC" : "\(prefix)bytes DESC, \(prefix)sha256 DESC"
    }

    /// A version with this content loaded under any path (a rotated log keeps its content but not its name).
    public func version(withContent sha256: String) throws -> FileVersion? {
        try version("WHERE sha256 = ? ORDER BY run_id LIMIT 1", [.text(sha256)])
    }

    /// The newest version of each path of `source` that a grown copy could be read on from (a log
    /// rotated and compressed after more lines were appended to it continues its last loaded version).
    public func resumableVersions(source: String) throws -> [FileVersion] {
        // Which of a path's rows: its rowid in SQLite, its hash in PostgreSQL (path and hash are the key).
        let row = dialect.engine == .sqlite ? "rowid" : "sha256"
        return try db.query("""
            SELECT \(Self.versionColumns) FROM etl_files f
            WHERE source = ?1 AND resume_offset IS NOT NULL AND resume_sha256 IS NOT NULL
              AND \(row) = (SELECT g.\(row) FROM etl_files g WHERE g.path = f.path ORDER BY g.run_id DESC, \(newerFirst("g")) LIMIT 1)
            ORDER BY path
            """, [.text(source)]).map(Self.fileVersion)
    }

    private static let versionColumns =
        "path, sha256, bytes, resume_offset, resume_line, resume_sha256, stat_key, resume_state, resume_sample_sha256"

    private static func fileVersion(_ r: [SQLValue]) -> FileVersion {
        var resume: ResumePoint?
        if let offset = r[3].int, let line = r[4].int { resume = ResumePoint(offset: Int64(offset), line: line) }
        return FileVersion(path: r[0].string ?? "", sha256: r[1].string ?? "", bytes: Int64(r[2].int ?? 0),
                           resume: resume, resumeSHA256: r[5].string, statKey: r[6].string, resumeState: r[7].string,
                           resumeSample: r[8].string)
    }

    private func version(_ filter: String, _ args: [SQLValue]) throws -> FileVersion? {
        try db.query("SELECT \(Self.versionColumns) FROM etl_files \(filter)", args).first.map(Self.fileVersion)
    }

    /// Records a loaded file version and where a grown version of it may be read on from.
    public func recordFile(_ version: FileVersion, rows: Int, source: String, runID: Int64) throws {
        func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
        try db.run(dialect.insertReplacing(into: "etl_files", columns: [
            "path", "sha256", "bytes", "rows", "source", "run_id", "resume_offset", "resume_line", "resume_sha256", "stat_key",
            "resume_state", "resume_sample_sha256"], key: ["path", "sha256"]), [.text(version.path), .text(version.sha256), .integer(version.bytes), .integer(Int64(rows)), .text(source),
                  .integer(runID), version.resume.map { .integer($0.offset) } ?? .null,
                  version.resume.map { .integer(Int64($0.line)) } ?? .null, text(version.resumeSHA256),
                  text(version.statKey), text(version.resumeState), text(version.resumeSample)])
    }

    /// Notes the stat key of a loaded version hashed again and found unchanged (its times changed, say
    /// by `touch`), so the next night knows it without reading it.
    public func noteStatKey(path: String, sha256: String, statKey: String) throws {
        try db.run("UPDATE etl_files SET stat_key = ?3 WHERE path = ?1 AND sha256 = ?2 AND stat_key IS DISTINCT FROM ?3",
                   [.text(path), .text(sha256), .text(statKey)])
    }

    /// Records a finding about an input file.
    public func recordNote(runID: Int64, source: String, file: String, message: String) throws {
        try db.run("INSERT INTO etl_notes(run_id, source, src_file, message) VALUES (?,?,?,?)",
                     [.integer(runID), .text(source), .text(file), .text(message)])
    }

    /// A prepared writer of rejects for one run.
    public func makeRejectWriter(runID: Int64) throws -> RejectWriter { try RejectWriter(db: db, runID: runID) }
}

/// Inserts rejected rows with a prepared statement.
public final class RejectWriter {
    let statement: SQLStatement
    let runID: Int64

    init(db: SQLConnection, runID: Int64) throws {
        self.runID = runID
        statement = try db.statement("INSERT INTO rejects(run_id, source, src_file, src_line, reason, raw) VALUES (?,?,?,?,?,?)")
    }

    public func write(_ reject: Reject, source: String) throws {
        try statement.run([.integer(runID), .text(source), .text(reject.position.file),
                           .integer(Int64(reject.position.line)), .text(reject.reason), .text(reject.raw)])
    }

    public func close() { statement.finalize() }
}
