import SalesopsCore
import SalesopsSQLite

/// Upserts call legs on their natural key with one prepared statement.
public final class CallLegWriter {
    let statement: SQLiteStatement
    let runID: Int64

    init(db: SQLiteDatabase, runID: Int64) throws {
        self.runID = runID
        statement = try db.prepare("""
            INSERT INTO call_legs(leg_key, call_id, source, src_file, src_line, run_id, sequence, started_at,
                start_epoch, src, dst, clid, channel, dstchannel, duration, billsec, disposition, direction,
                caller_kind, callee_kind, caller_rep, callee_rep, external_raw, external_e164, unmatched)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(leg_key) DO UPDATE SET call_id = excluded.call_id, source = excluded.source,
                src_file = excluded.src_file, src_line = excluded.src_line, run_id = excluded.run_id,
                sequence = excluded.sequence, started_at = excluded.started_at, start_epoch = excluded.start_epoch,
                src = excluded.src, dst = excluded.dst, clid = excluded.clid, channel = excluded.channel,
                dstchannel = excluded.dstchannel, duration = excluded.duration, billsec = excluded.billsec,
                disposition = excluded.disposition, direction = excluded.direction,
                caller_kind = excluded.caller_kind, callee_kind = excluded.callee_kind,
                caller_rep = excluded.caller_rep, callee_rep = excluded.callee_rep,
                external_raw = excluded.external_raw, external_e164 = excluded.external_e164,
                unmatched = excluded.unmatched
            """)
    }

    /// The natural key of a leg: the same CDR row read again maps to the same key.
    public static func legKey(_ leg: CallLeg) -> String {
        "\(leg.callKey)|\(leg.uniqueID)|\(leg.sequence.map(String.init) ?? "")|\(leg.channel)|\(leg.dstChannel)|\(leg.start)|\(leg.dst)"
    }

    /// Writes one leg with its resolved facts and the first unmatched company-side number, if any.
    public func write(_ leg: CallLeg, facts: CallLegFacts, unmatched: String?) throws {
        let s = statement
        defer { s.reset() }
        try s.bind(1, Self.legKey(leg))
        try s.bind(2, facts.callKey)
        try s.bind(3, leg.source)
        try s.bind(4, leg.position.file)
        try s.bind(5, leg.position.line)
        try s.bind(6, runID)
        try s.bind(7, leg.sequence)
        try s.bind(8, CivilTime.utcString(epoch: leg.start))
        try s.bind(9, leg.start)
        try s.bind(10, leg.src)
        try s.bind(11, leg.dst)
        try s.bind(12, leg.clid)
        try s.bind(13, leg.channel)
        try s.bind(14, leg.dstChannel)
        try s.bind(15, leg.duration)
        try s.bind(16, leg.billsec)
        try s.bind(17, leg.disposition.rawValue)
        try s.bind(18, facts.direction.rawValue)
        try s.bind(19, facts.callerKind.rawValue)
        try s.bind(20, facts.calleeKind.rawValue)
        try s.bind(21, facts.callerRep)
        try s.bind(22, facts.calleeRep)
        try s.bind(23, facts.externalRaw)
        try s.bind(24, facts.externalE164)
        try s.bind(25, unmatched)
        while try s.step() {}
    }

    public func close() { statement.finalize() }
}
