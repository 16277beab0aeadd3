import SalesopsCore
import SalesopsSQLite

/// Writes calls: new ones are inserted, existing ones updated (`upsert`) or reported (`insertNew`).
public final class CallWriter {
    let insert: SQLiteStatement
    let upsert: SQLiteStatement
    let touch: SQLiteStatement
    let runID: Int64
    /// Local dates of the calls written, flushed to `temp.touched_dates` by ``flushTouchedDates()``.
    private var touched = Set<String>()

    static let columns = """
        call_id, started_at, start_epoch, local_date, direction, rep_id, client_phone, raw_number, disposition,
        ring_secs, talk_secs, is_effective, legs, source, src_file, src_line, run_id
        """

    init(db: SQLiteDatabase, runID: Int64) throws {
        self.runID = runID
        insert = try db.prepare("INSERT INTO calls(\(Self.columns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(call_id) DO NOTHING")
        upsert = try db.prepare("""
            INSERT INTO calls(\(Self.columns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(call_id) DO UPDATE SET started_at = excluded.started_at, start_epoch = excluded.start_epoch,
                local_date = excluded.local_date, direction = excluded.direction, rep_id = excluded.rep_id,
                client_phone = excluded.client_phone, raw_number = excluded.raw_number,
                disposition = excluded.disposition, ring_secs = excluded.ring_secs, talk_secs = excluded.talk_secs,
                is_effective = excluded.is_effective, legs = excluded.legs, source = excluded.source,
                src_file = excluded.src_file, src_line = excluded.src_line, run_id = excluded.run_id
            """)
        touch = try db.prepare("INSERT OR IGNORE INTO temp.touched_dates(local_date) VALUES (?)")
    }

    private func bind(_ s: SQLiteStatement, _ call: Call, source: String) throws {
        try s.bind(1, call.callID)
        try s.bind(2, CivilTime.utcString(epoch: call.start))
        try s.bind(3, call.start)
        try s.bind(4, call.localDate)
        try s.bind(5, call.direction.rawValue)
        try s.bind(6, call.repID)
        try s.bind(7, call.clientPhone)
        try s.bind(8, call.rawNumber)
        try s.bind(9, call.disposition.rawValue)
        try s.bind(10, call.ringSecs)
        try s.bind(11, call.talkSecs)
        try s.bind(12, call.isEffective ? 1 : 0)
        try s.bind(13, call.legs)
        try s.bind(14, source)
        try s.bind(15, call.position.file)
        try s.bind(16, call.position.line)
        try s.bind(17, runID)
    }

    /// Inserts a call unless its id exists; returns false when it did (the caller regroups it).
    public func insertNew(_ call: Call, source: String) throws -> Bool {
        defer { insert.reset() }
        try bind(insert, call, source: source)
        while try insert.step() {}
        guard insert.changes > 0 else { return false }
        touched.insert(call.localDate)
        return true
    }

    /// Inserts or replaces a call.
    public func upsert(_ call: Call, source: String) throws {
        defer { upsert.reset() }
        try bind(upsert, call, source: source)
        while try upsert.step() {}
        touched.insert(call.localDate)
    }

    /// Writes the local dates of the calls written so far to `temp.touched_dates`.
    public func flushTouchedDates() throws {
        for date in touched.sorted() { try touch.run([.text(date)]) }
        touched.removeAll()
    }

    public func close() {
        insert.finalize()
        upsert.finalize()
        touch.finalize()
    }
}
