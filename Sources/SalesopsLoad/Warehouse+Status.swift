import SalesopsSQLite

/// What `salesops status` shows: recent runs with their per-source accounting, and how fresh each
/// source's data is.
extension Warehouse {
    public struct RunRecord: Sendable {
        public var runID: Int64
        public var startedAt: String
        public var finishedAt: String?
        public var asOf: String
        public var status: String
        public var message: String?
        /// source, files read, files skipped, rows read, loaded, filtered, rejected.
        public var sources: [(source: String, files: Int, skipped: Int, read: Int, loaded: Int, filtered: Int, rejected: Int)]
    }

    /// The last `limit` runs, newest first.
    public func recentRuns(limit: Int) throws -> [RunRecord] {
        let runs = try db.query("""
            SELECT run_id, started_at, finished_at, as_of, status, message FROM etl_runs ORDER BY run_id DESC LIMIT ?
            """, [.integer(Int64(limit))])
        return try runs.map { r in
            let id = Int64(r[0].int ?? 0)
            let sources = try db.query("""
                SELECT source, files_read, files_skipped, rows_read, rows_loaded, rows_filtered, rows_rejected
                FROM etl_sources WHERE run_id = ? ORDER BY source
                """, [.integer(id)]).map { s in
                (s[0].string ?? "", s[1].int ?? 0, s[2].int ?? 0, s[3].int ?? 0, s[4].int ?? 0, s[5].int ?? 0, s[6].int ?? 0)
            }
            return RunRecord(runID: id, startedAt: r[1].string ?? "", finishedAt: r[2].string, asOf: r[3].string ?? "",
                             status: r[4].string ?? "", message: r[5].string, sources: sources)
        }
    }

    /// Per source: the time of its newest fact (a call's start, a mail's date, a CRM record's creation,
    /// stage entry, activity or payment) and the as-of day of the last run that read rows from it.
    public func sourceFreshness() throws -> [(source: String, lastData: String?, lastDelivery: String?)] {
        let rows = try db.query("""
            WITH facts(source, at) AS (
                SELECT source, MAX(started_at) FROM calls GROUP BY source
                UNION ALL SELECT source, MAX(sent_at) FROM emails GROUP BY source
                UNION ALL SELECT source_name, MAX(created_at) FROM leads GROUP BY source_name
                UNION ALL SELECT source_name, MAX(created_at) FROM deals GROUP BY source_name
                UNION ALL SELECT source_name, MAX(entered_at) FROM deal_stage_history GROUP BY source_name
                UNION ALL SELECT source_name, MAX(start_at) FROM activities GROUP BY source_name
                UNION ALL SELECT source_name, MAX(created_at) FROM tasks GROUP BY source_name
                UNION ALL SELECT source_name, MAX(paid_at) FROM payments GROUP BY source_name),
            delivered(source, as_of) AS (
                SELECT s.source, MAX(r.as_of) FROM etl_sources s JOIN etl_runs r ON r.run_id = s.run_id
                WHERE s.rows_read > 0 AND r.status != 'failed' GROUP BY s.source)
            SELECT n.source, (SELECT MAX(at) FROM facts f WHERE f.source = n.source), d.as_of
            FROM (SELECT DISTINCT source FROM etl_sources) n LEFT JOIN delivered d ON d.source = n.source
            ORDER BY n.source
            """)
        return rows.map { ($0[0].string ?? "", $0[1].string, $0[2].string) }
    }
}
