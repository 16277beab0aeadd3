import SalesopsCore
import SalesopsSQLite

/// The derived call relations: `calls` (grouped while streaming, each with its legs; regrouped when
/// a call's legs span runs or files), then the models (``Models``) in SQL.
extension Warehouse {
    /// Creates the run's scratch tables: dates whose daily rows must be rebuilt, client numbers whose
    /// missed calls must be, calls to regroup, and
    /// the later legs of calls already stored (set aside by ``CallWriter/insertNew(_:legs:source:)``).
    public func beginScratch() throws {
        let d = dialect
        try db.execute("""
            DROP TABLE IF EXISTS \(d.temp("touched_dates"));
            CREATE TEMP TABLE touched_dates(local_date \(d.dateType) PRIMARY KEY);
            DROP TABLE IF EXISTS \(d.temp("touched_phones"));
            CREATE TEMP TABLE touched_phones(client_phone TEXT PRIMARY KEY);
            DROP TABLE IF EXISTS \(d.temp("regroup_calls"));
            CREATE TEMP TABLE regroup_calls(call_id TEXT PRIMARY KEY);
            DROP TABLE IF EXISTS \(d.temp("pending_calls"));
            CREATE TEMP TABLE pending_calls(seq \(d.autoKey), call_id TEXT NOT NULL, source TEXT NOT NULL,
                                            src_file TEXT NOT NULL, legs_json \(d.jsonType) NOT NULL);
            """)
    }

    /// Whether the warehouse holds no calls yet (a first, bulk load).
    public func hasNoCalls() throws -> Bool {
        try db.scalar("SELECT COUNT(*) FROM (SELECT 1 FROM calls LIMIT 1) AS one")?.int == 0
    }

    /// Drops the secondary indexes of `calls` (before a bulk load into an empty table).
    public func dropBulkIndexes() throws {
        for (name, _) in Migrations.bulkIndexes { try db.execute("DROP INDEX IF EXISTS \(name)") }
    }

    /// Creates the secondary indexes of `calls` when missing.
    public func createBulkIndexes() throws {
        // Each sorting thread keeps up to the page cache's size in memory: half of it keeps the build
        // within the run's memory (it spills to a temporary file beyond that).
        try sqlite?.execute("PRAGMA cache_size = -\(Self.pageCacheKiB / 2)")
        defer { try? sqlite?.execute("PRAGMA cache_size = -\(Self.pageCacheKiB)") }
        for (_, sql) in Migrations.bulkIndexes { try db.execute(sql) }
    }

    /// A prepared writer of calls for one run.
    public func makeCallWriter(runID: Int64) throws -> CallWriter { try CallWriter(db: db, dialect: dialect, runID: runID) }

    /// Calls that may hold a leg of `?1`: their own file is it, or a leg names it (a call whose legs
    /// come from several files names every file but the call's own).
    var callsTouchingFile: String { "(src_file = ?1 OR \(dialect.jsonMentions("legs_json", "?1")))" }

    /// The operator's explicit `run --forget FILE`: drops what the file contributed (call legs, whose
    /// calls are regrouped or deleted when no leg is left; mail sightings, and messages seen nowhere
    /// else) and every ledger entry of it and of its content under other names, so the run reads it
    /// again if it is still there. CRM records are snapshots upserted by id and stay. Nothing else
    /// ever removes facts. Returns the number of ledger entries removed.
    @discardableResult
    public func forgetFile(_ path: String) throws -> Int {
        try forgetLegs(ofFile: path)
        try forgetEmails(ofFile: path)
        try db.run("""
            DELETE FROM etl_files WHERE rows = 0 AND path != ?1 AND sha256 IN (SELECT sha256 FROM etl_files WHERE path = ?1)
            """, [.text(path)])
        let aliases = db.changes
        try db.run("DELETE FROM etl_files WHERE path = ?", [.text(path)])
        return aliases + db.changes
    }

    /// Drops the legs a file contributed and marks their calls for regrouping.
    func forgetLegs(ofFile path: String) throws {
        let d = dialect
        try db.run(d.insertIgnoring(into: d.temp("regroup_calls"), " SELECT call_id FROM calls WHERE \(callsTouchingFile)"),
                   [.text(path)])
        try db.run("""
            UPDATE calls SET legs_json = (
                SELECT \(d.jsonAgg(d.jsonValue("l.value"), order: "l.key")) FROM \(d.jsonElements("calls.legs_json", as: "l"))
                WHERE COALESCE(l.value ->> \(CallLegsJSON.Field.srcFile.rawValue), calls.src_file) != ?1)
            WHERE \(callsTouchingFile)
            """, [.text(path)])
        try db.run("DELETE FROM unmatched_legs WHERE src_file = ?", [.text(path)])
    }

    /// A rotated file: the rows loaded from `old` now live in `new`.
    public func relocateRows(from old: String, to new: String) throws {
        let file = CallLegsJSON.Field.srcFile.rawValue
        let d = dialect
        try db.run("""
            UPDATE calls SET legs_json = (
                SELECT \(d.jsonAgg("CASE WHEN l.value ->> \(file) = ?1 THEN \(d.jsonSet("l.value", file, "?2")) ELSE \(d.jsonValue("l.value")) END",
                                   order: "l.key"))
                FROM \(d.jsonElements("calls.legs_json", as: "l")))
            WHERE \(d.jsonMentions("legs_json", "?1"))
            """, [.text(old), .text(new)])
        for table in ["calls", "missed_calls", "unmatched_legs", "emails", "email_sightings"] {
            try db.run("UPDATE \(table) SET src_file = ?2 WHERE src_file = ?1", [.text(old), .text(new)])
        }
    }

    /// Regroups the calls marked for regrouping and those with legs set aside (every call when
    /// `full`): stored legs first, then the set-aside ones, the same CDR row counted once. A marked
    /// call with no legs left is deleted. Returns the number of calls written.
    public func regroupCalls(full: Bool, writer: CallWriter, group: ([CallLegFacts]) -> Call) throws -> Int {
        let d = dialect
        let (regroup, pendingCalls) = (d.temp("regroup_calls"), d.temp("pending_calls"))
        let scope = full ? "TRUE" : "c.call_id IN (SELECT call_id FROM \(regroup) UNION SELECT call_id FROM \(pendingCalls))"
        // Dates the regrouped calls had before, in case a call moves to another date or disappears.
        try db.execute(d.insertIgnoring(into: d.temp("touched_dates"), " SELECT DISTINCT local_date FROM calls c WHERE \(scope)"))
        if !full {
            try db.execute("""
                DELETE FROM missed_calls WHERE call_id IN (SELECT call_id FROM calls WHERE legs_json = '[]'
                    AND call_id IN (SELECT call_id FROM \(regroup)) AND call_id NOT IN (SELECT call_id FROM \(pendingCalls)));
                DELETE FROM calls WHERE legs_json = '[]'
                    AND call_id IN (SELECT call_id FROM \(regroup)) AND call_id NOT IN (SELECT call_id FROM \(pendingCalls));
                """)
        }
        let fields = CallLegsJSON.Field.allCases.count
        let legs = try db.statement("""
            SELECT * FROM (
                SELECT \(CallLegsJSON.columns(leg: "l", owner: "c")), 0 AS origin, l.key AS idx
                FROM calls c, \(d.jsonElements("c.legs_json", as: "l")) WHERE \(scope)
                UNION ALL
                SELECT \(CallLegsJSON.columns(leg: "l", owner: "p")), p.seq AS origin, l.key AS idx
                FROM \(pendingCalls) p, \(d.jsonElements("p.legs_json", as: "l"))) AS legs
            ORDER BY call_id, origin, idx
            """)
        defer { legs.finalize() }
        var pending: [CallLegFacts] = []
        var seen = Set<Int64>()
        let encoded = CallLegsJSON.Buffer()
        var written = 0
        func flush() throws {
            guard !pending.isEmpty else { return }
            let call = group(pending)
            let source = pending[0].source
            CallLegsJSON.encode(pending, file: call.position.file, source: source, into: encoded)
            try writer.upsert(call, legs: encoded.bytes, source: source)
            written += 1
            pending.removeAll(keepingCapacity: true)
            seen.removeAll(keepingCapacity: true)
        }
        func text(_ f: CallLegsJSON.Field) -> String? { legs.text(f.rawValue) }
        func int(_ f: CallLegsJSON.Field) -> Int64 { legs.int(f.rawValue) }
        while try legs.step() {
            let key = legs.text(fields) ?? ""
            if let last = pending.last, last.callKey != key { try flush() }
            // The same CDR row read from two files (overlapping exports) counts once; the copy goes.
            guard seen.insert(int(.legHash)).inserted else { continue }
            pending.append(CallLegFacts(
                callKey: key, source: text(.source) ?? "",
                position: SourcePosition(file: text(.srcFile) ?? "", line: Int(int(.srcLine))),
                runID: int(.runID), legHash: int(.legHash),
                sequence: legs.isNull(CallLegsJSON.Field.sequence.rawValue) ? nil : Int(int(.sequence)),
                start: int(.startEpoch), duration: Int(int(.duration)), billsec: Int(int(.billsec)),
                disposition: LegDisposition(rawValue: text(.disposition) ?? "") ?? .unknown,
                callerKind: PartyKind(rawValue: text(.callerKind) ?? "") ?? .external,
                calleeKind: PartyKind(rawValue: text(.calleeKind) ?? "") ?? .external,
                callerRep: text(.callerRep), calleeRep: text(.calleeRep), externalRaw: text(.externalRaw),
                externalE164: text(.externalE164),
                direction: CallDirection(rawValue: text(.direction) ?? "") ?? .internal,
                unmatched: text(.unmatched),
                reachesPerson: legs.isNull(CallLegsJSON.Field.notPerson.rawValue) || int(.notPerson) == 0))
        }
        try flush()
        try writer.flushTouchedDates()
        return written
    }
}
