import SalesopsCore
import SalesopsSQLite

/// The derived call relations: `calls` (grouped while streaming, regrouped from `call_legs` when a
/// call's legs span runs), then `missed_calls` and `rep_daily` in SQL.
extension Warehouse {
    /// Creates the run's scratch tables: dates whose daily rows must be rebuilt, calls to regroup.
    public func beginScratch() throws {
        regroupMark?.finalize()   // its table is dropped and made anew
        regroupMark = nil
        try db.execute("""
            DROP TABLE IF EXISTS temp.touched_dates;
            CREATE TEMP TABLE touched_dates(local_date TEXT PRIMARY KEY);
            DROP TABLE IF EXISTS temp.regroup_calls;
            CREATE TEMP TABLE regroup_calls(call_id TEXT PRIMARY KEY);
            """)
    }

    /// Whether the warehouse holds no calls and no legs yet (a first, bulk load).
    public func hasNoCalls() throws -> Bool {
        try db.scalar("SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM calls LIMIT 1)) + (SELECT COUNT(*) FROM (SELECT 1 FROM call_legs LIMIT 1))")?.int == 0
    }

    /// Drops the secondary indexes of `calls` and `call_legs` (before a bulk load into empty tables).
    public func dropBulkIndexes() throws {
        for (name, _) in Migrations.bulkIndexes { try db.execute("DROP INDEX IF EXISTS \(name)") }
    }

    /// Creates the secondary indexes of `calls` and `call_legs` when missing.
    public func createBulkIndexes() throws {
        for (_, sql) in Migrations.bulkIndexes { try db.execute(sql) }
    }

    /// A prepared writer of calls for one run.
    public func makeCallWriter(runID: Int64) throws -> CallWriter { try CallWriter(db: db, runID: runID) }

    /// Marks a call to be regrouped from its stored legs at the end of the run.
    public func markForRegroup(_ callID: String) throws {
        if regroupMark == nil { regroupMark = try db.prepare("INSERT OR IGNORE INTO temp.regroup_calls(call_id) VALUES (?)") }
        try regroupMark!.run([.text(callID)])
    }

    /// Before a file is read whole again: drops the legs it contributed and marks their calls for regrouping.
    public func forgetLegs(ofFile path: String) throws {
        try db.run("INSERT OR IGNORE INTO temp.regroup_calls SELECT DISTINCT call_id FROM call_legs WHERE src_file = ?",
                     [.text(path)])
        try db.run("DELETE FROM call_legs WHERE src_file = ?", [.text(path)])
    }

    /// A rotated log: the rows loaded from `old` now live in `new`.
    public func relocateLegs(from old: String, to new: String) throws {
        try db.run("UPDATE call_legs SET src_file = ?2 WHERE src_file = ?1", [.text(old), .text(new)])
        try db.run("UPDATE calls SET src_file = ?2 WHERE src_file = ?1", [.text(old), .text(new)])
    }

    /// Regroups, from `call_legs`, the calls marked for regrouping (every call when `full`); a marked
    /// call with no legs left is deleted. Returns the number of calls written.
    public func regroupCalls(full: Bool, writer: CallWriter, group: ([CallLegFacts]) -> Call) throws -> Int {
        let scope = full ? "" : "WHERE call_id IN (SELECT call_id FROM temp.regroup_calls)"
        // Dates the regrouped calls had before, in case a call moves to another date or disappears.
        try db.execute("INSERT OR IGNORE INTO temp.touched_dates SELECT DISTINCT local_date FROM calls \(scope)")
        if !full {
            try db.execute("""
                DELETE FROM missed_calls WHERE call_id IN (SELECT call_id FROM temp.regroup_calls)
                    AND call_id NOT IN (SELECT call_id FROM call_legs);
                DELETE FROM calls WHERE call_id IN (SELECT call_id FROM temp.regroup_calls)
                    AND call_id NOT IN (SELECT call_id FROM call_legs);
                """)
        }
        let legs = try db.prepare("""
            SELECT call_id, src_file, src_line, sequence, start_epoch, duration, billsec, disposition, direction,
                   caller_kind, callee_kind, caller_rep, callee_rep, external_raw, external_e164, source, leg_hash, rowid
            FROM call_legs \(scope) ORDER BY call_id, rowid
            """)
        defer { legs.finalize() }
        var pending: [CallLegFacts] = []
        var pendingSource = ""
        var seen = Set<Int64>()
        var duplicates: [Int64] = []
        var written = 0
        func flush() throws {
            guard !pending.isEmpty else { return }
            try writer.upsert(group(pending), source: pendingSource)
            written += 1
            pending.removeAll(keepingCapacity: true)
            seen.removeAll(keepingCapacity: true)
        }
        while try legs.step() {
            let key = legs.text(0) ?? ""
            if let last = pending.last, last.callKey != key { try flush() }
            // The same CDR row read from two files (overlapping exports) counts once; the copy goes.
            guard seen.insert(legs.int(16)).inserted else {
                duplicates.append(legs.int(17))
                continue
            }
            if pending.isEmpty { pendingSource = legs.text(15) ?? "" }
            pending.append(CallLegFacts(
                callKey: key, position: SourcePosition(file: legs.text(1) ?? "", line: Int(legs.int(2))),
                sequence: legs.isNull(3) ? nil : Int(legs.int(3)), start: legs.int(4),
                duration: Int(legs.int(5)), billsec: Int(legs.int(6)),
                disposition: LegDisposition(rawValue: legs.text(7) ?? "") ?? .unknown,
                callerKind: PartyKind(rawValue: legs.text(9) ?? "") ?? .external,
                calleeKind: PartyKind(rawValue: legs.text(10) ?? "") ?? .external,
                callerRep: legs.text(11), calleeRep: legs.text(12), externalRaw: legs.text(13),
                externalE164: legs.text(14), direction: CallDirection(rawValue: legs.text(8) ?? "") ?? .internal))
        }
        try flush()
        try writer.flushTouchedDates()
        let delete = try db.prepare("DELETE FROM call_legs WHERE rowid = ?")
        defer { delete.finalize() }
        for rowid in duplicates { try delete.run([.integer(rowid)]) }
        return written
    }

    /// Rebuilds `missed_calls` for the missed calls regrouped by `runID` and for every missed call of
    /// a client number that run touched (a new call may be their callback); all when `full`.
    public func rebuildMissedCalls(runID: Int64, full: Bool, windowMins: Int) throws {
        try db.execute("""
            DROP TABLE IF EXISTS temp.touched_phones;
            CREATE TEMP TABLE touched_phones(phone TEXT PRIMARY KEY);
            """)
        let scope: String
        if full {
            try db.execute("DELETE FROM missed_calls")
            scope = "1"
        } else {
            try db.run("INSERT OR IGNORE INTO touched_phones SELECT client_phone FROM calls WHERE run_id = ? AND client_phone IS NOT NULL",
                         [.integer(runID)])
            try db.run("""
                DELETE FROM missed_calls WHERE call_id IN (SELECT call_id FROM calls WHERE run_id = ?1)
                    OR client_phone IN (SELECT phone FROM touched_phones)
                """, [.integer(runID)])
            scope = "(m.run_id = ?1 OR m.client_phone IN (SELECT phone FROM touched_phones))"
        }
        try db.run("""
            INSERT INTO missed_calls(call_id, rep_id, client_phone, raw_number, missed_at, local_date,
                callback_call_id, callback_at, callback_mins, within_window, src_file, src_line)
            SELECT m.call_id, m.rep_id, m.client_phone, m.raw_number, m.started_at, m.local_date,
                   cb.call_id, cb.started_at, (cb.start_epoch - m.start_epoch) / 60,
                   COALESCE((cb.start_epoch - m.start_epoch) / 60 <= ?2, 0), m.src_file, m.src_line
            FROM calls m
            LEFT JOIN calls cb ON cb.call_id = (
                SELECT c.call_id FROM calls c
                WHERE c.client_phone = m.client_phone AND c.start_epoch > m.start_epoch
                  AND (c.direction = 'outbound' OR (c.direction = 'inbound' AND c.disposition = 'answered'))
                ORDER BY c.start_epoch, c.call_id LIMIT 1)
            WHERE m.direction = 'inbound' AND m.disposition != 'answered' AND \(scope)
            """, [.integer(runID), .integer(Int64(windowMins))])
    }

    /// Rebuilds `rep_daily` for the dates in `temp.touched_dates` (filled by ``regroupCalls``): call
    /// counts per rep and date, plus a zero row for every active rep on every touched business day.
    public func rebuildRepDaily() throws {
        try db.execute("""
            DELETE FROM rep_daily WHERE local_date IN (SELECT local_date FROM temp.touched_dates);
            INSERT INTO rep_daily(rep_id, local_date, calls_out, calls_in, calls_out_effective, calls_in_effective,
                                  talk_secs, missed_in)
            SELECT rep_id, local_date,
                   SUM(direction = 'outbound'), SUM(direction = 'inbound'),
                   SUM(direction = 'outbound' AND is_effective), SUM(direction = 'inbound' AND is_effective),
                   SUM(talk_secs), SUM(direction = 'inbound' AND disposition != 'answered')
            FROM calls
            WHERE rep_id IS NOT NULL AND direction != 'internal'
              AND local_date IN (SELECT local_date FROM temp.touched_dates)
            GROUP BY rep_id, local_date;
            INSERT OR IGNORE INTO rep_daily(rep_id, local_date)
            SELECT r.rep_id, c.local_date FROM reps r JOIN calendar c
              ON c.is_business_day = 1 AND c.local_date IN (SELECT local_date FROM temp.touched_dates)
             AND (r.active_from IS NULL OR c.local_date >= r.active_from)
             AND (r.active_to IS NULL OR c.local_date <= r.active_to);
            """)
    }
}

/// The as-of day's department figures for the run summary, read from `rep_daily`, `norms` and `missed_calls`.
public struct DayHeadline: Sendable, Equatable {
    public var callsOut = 0
    public var callsIn = 0
    public var effective = 0
    public var effectiveNorm = 0.0
    public var missed = 0
    public var missedWithoutCallback = 0

    public init(callsOut: Int = 0, callsIn: Int = 0, effective: Int = 0, effectiveNorm: Double = 0, missed: Int = 0,
                missedWithoutCallback: Int = 0) {
        self.callsOut = callsOut
        self.callsIn = callsIn
        self.effective = effective
        self.effectiveNorm = effectiveNorm
        self.missed = missed
        self.missedWithoutCallback = missedWithoutCallback
    }
}

extension Warehouse {
    /// Department totals for one local date.
    public func dayHeadline(localDate: String) throws -> DayHeadline {
        let row = try db.query("""
            SELECT COALESCE(SUM(calls_out), 0), COALESCE(SUM(calls_in), 0),
                   COALESCE(SUM(calls_out_effective + calls_in_effective), 0),
                   (SELECT COALESCE(SUM(n.per_day), 0) FROM norms n JOIN calendar c ON c.local_date = ?1
                      AND c.is_business_day = 1 JOIN reps r ON r.rep_id = n.rep_id
                      AND (r.active_from IS NULL OR r.active_from <= ?1) AND (r.active_to IS NULL OR r.active_to >= ?1)
                    WHERE n.metric = 'calls_effective'),
                   (SELECT COUNT(*) FROM missed_calls WHERE local_date = ?1),
                   (SELECT COUNT(*) FROM missed_calls WHERE local_date = ?1 AND within_window = 0)
            FROM rep_daily WHERE local_date = ?1
            """, [.text(localDate)]).first ?? []
        guard row.count == 6 else { return DayHeadline() }
        return DayHeadline(callsOut: row[0].int ?? 0, callsIn: row[1].int ?? 0, effective: row[2].int ?? 0,
                           effectiveNorm: row[3].double ?? 0, missed: row[4].int ?? 0,
                           missedWithoutCallback: row[5].int ?? 0)
    }
}
