import SalesopsCore
import SalesopsSQLite

/// Appends call legs to `call_legs` with one prepared statement.
public final class CallLegWriter {
    let statement: SQLiteStatement
    let runID: Int64

    init(db: SQLiteDatabase, runID: Int64) throws {
        self.runID = runID
        statement = try db.prepare("""
            INSERT INTO call_legs(call_id, source, src_file, src_line, run_id, sequence, start_epoch, duration, billsec,
                disposition, direction, caller_kind, callee_kind, caller_rep, callee_rep, external_raw, external_e164,
                unmatched, leg_hash)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
    }

    /// Writes one leg: its resolved facts, its source, the first unmatched company-side number (if
    /// any) and its ``identityHash(_:)``.
    public func write(_ facts: CallLegFacts, source: String, unmatched: String?, identity: Int64) throws {
        let s = statement
        defer { s.reset() }
        try s.bind(1, facts.callKey)
        try s.bind(2, source)
        try s.bind(3, facts.position.file)
        try s.bind(4, facts.position.line)
        try s.bind(5, runID)
        try s.bind(6, facts.sequence)
        try s.bind(7, facts.start)
        try s.bind(8, facts.duration)
        try s.bind(9, facts.billsec)
        try s.bind(10, facts.disposition.rawValue)
        try s.bind(11, facts.direction.rawValue)
        try s.bind(12, facts.callerKind.rawValue)
        try s.bind(13, facts.calleeKind.rawValue)
        try s.bind(14, facts.callerRep)
        try s.bind(15, facts.calleeRep)
        try s.bind(16, facts.externalRaw)
        try s.bind(17, facts.externalE164)
        try s.bind(18, unmatched)
        try s.bind(19, identity)
        while try s.step() {}
    }

    /// A 64-bit FNV-1a hash of what identifies a CDR row whatever file it is read from: call key,
    /// uniqueid, sequence, channels, start, numbers, duration and billsec.
    public static func identityHash(_ leg: CallLeg) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0x1F) &* 0x0000_0100_0000_01b3
        }
        func mix(_ value: Int64) {
            var v = UInt64(bitPattern: value)
            for _ in 0..<8 {
                h = (h ^ (v & 0xFF)) &* 0x0000_0100_0000_01b3
                v >>= 8
            }
        }
        mix(leg.callKey); mix(leg.uniqueID); mix(Int64(leg.sequence ?? -1)); mix(leg.channel); mix(leg.dstChannel)
        mix(leg.start); mix(leg.src); mix(leg.dst); mix(Int64(leg.duration)); mix(Int64(leg.billsec))
        return Int64(bitPattern: h)
    }

    public func close() { statement.finalize() }
}
