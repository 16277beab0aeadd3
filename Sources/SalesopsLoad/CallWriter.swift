import SalesopsCore
import SalesopsPostgres
import SalesopsSQLite

/// Writes calls with their legs: new ones are inserted; one whose id exists is set aside for
/// regrouping (``insertNew(_:legs:source:)``) or replaced (``upsert(_:legs:source:)``).
///
/// Into PostgreSQL, new calls go in bulk: staged rows are copied (COPY) into a scratch table and merged
/// from there by the same rules (``mergeStaged()``), every `stageLimit` calls and whenever the writer is
/// drained, so nothing reads `calls` before its staged rows are in.
public final class CallWriter {
    let insert: SQLStatement
    let upsert: SQLStatement
    let setAside: SQLStatement
    let sameLegs: SQLStatement
    let unmatched: SQLStatement
    let touch: SQLStatement
    let touchPhone: SQLStatement
    let runID: Int64
    /// Local dates of the calls written, flushed to `temp.touched_dates` by ``flushTouchedDates()``.
    private var touched = Set<String>()
    /// The date last added to `touched`: calls come in time order, so most add none.
    private var lastTouched = ""
    /// Whether the client numbers of the calls written are noted in `temp.touched_phones` (their missed
    /// calls are rebuilt); not during a first load, which rebuilds every number's.
    public var notesClientPhones = true
    /// Client numbers of the calls written ('' for none), flushed to `temp.touched_phones` in batches.
    private var phones = Set<String>()
    /// Calls inserted (new call ids) by ``insertNew(_:legs:source:)``.
    public private(set) var inserted = 0
    /// PostgreSQL's bulk path: the connection to copy on, the rows staged and the statements that merge them.
    private let copier: PostgresConnection?
    private var staged = PostgresCopyRows()
    private let merge: String
    private let setAsideStaged: String
    static let stageLimit = 8192

    static let columns = """
        call_id, started_at, start_epoch, local_date, direction, rep_id, client_phone, raw_number, disposition,
        ring_secs, talk_secs, is_effective, legs, source, src_file, src_line, run_id, legs_json
        """
    static let columnList = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

    init(db: SQLConnection, dialect d: SQLDialect, runID: Int64) throws {
        self.runID = runID
        copier = db as? PostgresConnection
        if copier != nil {
            try db.execute("""
                DROP TABLE IF EXISTS pg_temp.staged_calls;
                CREATE TEMP TABLE staged_calls (LIKE calls);
                ALTER TABLE pg_temp.staged_calls ADD COLUMN seq bigint NOT NULL;
                """)
        }
        // The rules of `insertNew` for a batch, in its order: the first row of each call id not stored is
        // inserted (its dates and numbers touched); any other row whose legs are not the stored call's —
        // a later row of an id, or the row of an id stored before — is set aside. An inserted row's legs
        // are the stored ones, so "not the stored legs" is the whole test for setting aside.
        let columns = Self.columnList.joined(separator: ", ")
        merge = """
            WITH new AS (
                INSERT INTO calls(\(columns)) SELECT DISTINCT ON (call_id) \(columns) FROM pg_temp.staged_calls ORDER BY call_id, seq
                ON CONFLICT (call_id) DO NOTHING RETURNING local_date, client_phone),
            dates AS (INSERT INTO pg_temp.touched_dates SELECT DISTINCT local_date FROM new ON CONFLICT DO NOTHING),
            phones AS (INSERT INTO pg_temp.touched_phones SELECT DISTINCT COALESCE(client_phone, '') FROM new WHERE ?1 = 1
                       ON CONFLICT DO NOTHING)
            SELECT COUNT(*) FROM new
            """
        // Each staged row looks its stored call up by key (a join the planner could hash would read the
        // whole table for each batch).
        setAsideStaged = """
            INSERT INTO pg_temp.pending_calls(call_id, source, src_file, legs_json)
            SELECT s.call_id, s.source, s.src_file, s.legs_json FROM pg_temp.staged_calls s
            LEFT JOIN LATERAL (SELECT c.legs_json FROM calls c WHERE c.call_id = s.call_id LIMIT 1) c ON TRUE
            WHERE c.legs_json IS DISTINCT FROM s.legs_json
              AND \(d.jsonElementsWithout("c.legs_json", index: 1)) IS DISTINCT FROM \(d.jsonElementsWithout("s.legs_json", index: 1))
            ORDER BY s.seq
            """
        insert = try db.statement("INSERT INTO calls(\(Self.columns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(call_id) DO NOTHING")
        upsert = try db.statement("""
            INSERT INTO calls(\(Self.columns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(call_id) DO UPDATE SET started_at = excluded.started_at, start_epoch = excluded.start_epoch,
                local_date = excluded.local_date, direction = excluded.direction, rep_id = excluded.rep_id,
                client_phone = excluded.client_phone, raw_number = excluded.raw_number,
                disposition = excluded.disposition, ring_secs = excluded.ring_secs, talk_secs = excluded.talk_secs,
                is_effective = excluded.is_effective, legs = excluded.legs, source = excluded.source,
                src_file = excluded.src_file, src_line = excluded.src_line, run_id = excluded.run_id,
                legs_json = excluded.legs_json
            """)
        setAside = try db.statement("INSERT INTO \(d.temp("pending_calls"))(call_id, source, src_file, legs_json) VALUES (?,?,?,?)")
        // The legs compared without their run id (field 1 of each leg: the run that read the row).
        sameLegs = try db.statement("""
            SELECT 1 FROM calls c WHERE c.call_id = ?1
               AND \(d.jsonElementsWithout("c.legs_json", index: 1))
                 = \(d.jsonElementsWithout(d.engine == .sqlite ? "?2" : "CAST(?2 AS jsonb)", index: 1))
            """)
        unmatched = try db.statement("""
            INSERT INTO unmatched_legs(source, src_file, src_line, run_id, number, start_epoch, leg_hash)
            SELECT ?,?,?,?,?,?,?7 WHERE NOT EXISTS (SELECT 1 FROM unmatched_legs WHERE leg_hash = ?7)
            """)
        touch = try db.statement(d.insertIgnoring(into: d.temp("touched_dates"), "(local_date) VALUES (?)"))
        touchPhone = try db.statement(d.insertIgnoring(into: d.temp("touched_phones"), "(client_phone) VALUES (?)"))
    }

    private func bind(_ s: SQLStatement, _ call: Call, legs: UnsafeBufferPointer<UInt8>, source: String) throws {
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
        try s.bind(18, utf8: legs)
    }

    /// Inserts a call with its legs (``CallLegsJSON``) unless its id exists. A call whose id exists got
    /// more legs since it was stored: the new part is set aside in `temp.pending_calls` for
    /// ``Warehouse/regroupCalls(full:writer:group:)``. A call stored with these
    /// legs (the same rows of the same file and lines, read by another run: a file read whole again) is
    /// left as it is, with the run that loaded it.
    public func insertNew(_ call: Call, legs: UnsafeBufferPointer<UInt8>, source: String) throws {
        if copier != nil { return try stage(call, legs: legs, source: source) }
        defer { insert.reset() }
        try bind(insert, call, legs: legs, source: source)
        while try insert.step() {}
        if insert.changes > 0 {
            inserted += 1
            return try noteTouched(call)
        }
        defer { sameLegs.reset() }
        try sameLegs.bind(1, call.callID)
        try sameLegs.bind(2, utf8: legs)
        if try sameLegs.step() { return }
        defer { setAside.reset() }
        try setAside.bind(1, call.callID)
        try setAside.bind(2, source)
        try setAside.bind(3, call.position.file)
        try setAside.bind(4, utf8: legs)
        while try setAside.step() {}
    }

    /// PostgreSQL: keeps a call for the next bulk merge.
    private func stage(_ call: Call, legs: UnsafeBufferPointer<UInt8>, source: String) throws {
        staged.add(call.callID)
        staged.add(CivilTime.utcString(epoch: call.start))
        staged.add(call.start)
        staged.add(call.localDate)
        staged.add(call.direction.rawValue)
        staged.add(call.repID)
        staged.add(call.clientPhone)
        staged.add(call.rawNumber)
        staged.add(call.disposition.rawValue)
        staged.add(Int64(call.ringSecs))
        staged.add(Int64(call.talkSecs))
        staged.add(call.isEffective ? 1 : 0)
        staged.add(Int64(call.legs))
        staged.add(source)
        staged.add(call.position.file)
        staged.add(Int64(call.position.line))
        staged.add(runID)
        staged.add(utf8: legs)
        staged.add(Int64(staged.count))
        staged.endRow()
        if staged.count >= Self.stageLimit { try mergeStaged() }
    }

    /// PostgreSQL: copies the staged calls into a scratch table and merges them into `calls` by the rules
    /// of ``insertNew(_:legs:source:)``. A no-op with nothing staged (and for SQLite).
    public func mergeStaged() throws {
        guard let copier, staged.count > 0 else { return }
        try copier.copy(into: "pg_temp.staged_calls", columns: Self.columnList + ["seq"], rows: staged)
        let added = try copier.scalar(merge, [.integer(notesClientPhones ? 1 : 0)])?.int ?? 0
        inserted += added
        // Every row inserted (ids new and distinct, as in a first load and most nights): none to set aside.
        if added < staged.count { try copier.execute(setAsideStaged) }
        try copier.execute("TRUNCATE pg_temp.staged_calls")
        staged.removeAll()
    }

    /// Inserts or replaces a call with its legs.
    public func upsert(_ call: Call, legs: UnsafeBufferPointer<UInt8>, source: String) throws {
        defer { upsert.reset() }
        try bind(upsert, call, legs: legs, source: source)
        while try upsert.step() {}
        try noteTouched(call)
    }

    private func noteTouched(_ call: Call) throws {
        if notesClientPhones {
            phones.insert(call.clientPhone ?? "")
            if phones.count >= 4096 { try flushPhones() }
        }
        guard call.localDate != lastTouched else { return }
        touched.insert(call.localDate)
        lastTouched = call.localDate
    }

    private func flushPhones() throws {
        for phone in phones.sorted() { try touchPhone.run([.text(phone)]) }
        phones.removeAll(keepingCapacity: true)
    }

    /// Records a leg whose company-side extension matched no rep (the `unmatched_numbers` view).
    public func recordUnmatched(_ leg: CallLegFacts) throws {
        guard let number = leg.unmatched else { return }
        try unmatched.run([.text(leg.source), .text(leg.position.file), .integer(Int64(leg.position.line)),
                           .integer(runID), .text(number), .integer(leg.start), .integer(leg.legHash)])
    }

    /// Writes the local dates and client numbers of the calls written so far to `temp.touched_dates`
    /// and `temp.touched_phones`.
    public func flushTouchedDates() throws {
        try flushPhones()
        for date in touched.sorted() { try touch.run([.text(date)]) }
        touched.removeAll()
        lastTouched = ""
    }

    public func close() {
        insert.finalize()
        upsert.finalize()
        setAside.finalize()
        sameLegs.finalize()
        unmatched.finalize()
        touch.finalize()
        touchPhone.finalize()
    }
}
