import SalesopsCore
import SalesopsSQLite

/// Upserts CRM records by their CRM id: a nightly dump is a snapshot, and the newest read wins.
public final class CRMWriter {
    let runID: Int64
    let clock: ZoneClock
    let lead: SQLStatement
    let clearContacts: SQLStatement
    let contact: SQLStatement
    let deal: SQLStatement
    let stage: SQLStatement
    let derivedStage: SQLStatement
    let dropDerived: SQLStatement
    let knownDeal: SQLStatement
    /// Deals whose derived stage entries this run already dropped for the CRM's own history.
    private var historyLoaded = Set<String>()
    let leadStatus: SQLStatement
    /// When the run started: dates a stage change seen between snapshots when the CRM does not say.
    let runStarted: Int64
    let activity: SQLStatement
    let task: SQLStatement
    let status: SQLStatement
    let user: SQLStatement
    let payment: SQLStatement
    let workday: SQLStatement
    let event: SQLStatement
    let clearSegments: SQLStatement
    let segment: SQLStatement
    let access: SQLStatement
    /// Where a JSON value is written before it is bound.
    private let json = CallLegsJSON.Buffer(capacity: 256)

    init(db: SQLConnection, dialect d: SQLDialect, runID: Int64, clock: ZoneClock, runStarted: Int64) throws {
        self.runID = runID
        self.clock = clock
        self.runStarted = runStarted
        func upsert(_ table: String, _ columns: [String], key: [String]) throws -> SQLStatement {
            let updates = columns.filter { !key.contains($0) }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            return try db.statement("""
                INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ",")))
                ON CONFLICT(\(key.joined(separator: ", "))) DO UPDATE SET \(updates)
                """)
        }
        let provenance = ["source_name", "src_file", "src_line", "run_id"]
        lead = try upsert("leads", ["lead_id", "title", "created_at", "created_epoch", "local_date", "rep_id", "crm_user_id",
                                    "source", "status_id", "status_semantic", "status_description", "junk_reason",
                                    "closed_epoch", "moved_epoch"] + provenance, key: ["lead_id"])
        clearContacts = try db.statement("DELETE FROM lead_contacts WHERE lead_id = ?")
        contact = try db.statement(d.insertIgnoring(into: "lead_contacts", "(lead_id, kind, value, normalized) VALUES (?,?,?,?)"))
        deal = try upsert("deals", ["deal_id", "title", "pipeline", "stage_id", "stage_semantic", "rep_id", "crm_user_id",
                                    "amount", "currency", "created_at", "created_epoch", "local_date", "closed_at", "lead_id"]
                          + provenance, key: ["deal_id"])
        stage = try upsert("deal_stage_history", ["deal_id", "stage_id", "pipeline", "entered_at", "entered_epoch", "rep_id",
                                                  "history_id"] + provenance, key: ["deal_id", "entered_epoch", "stage_id"])
        // A source with current stages only: a deal first seen, or seen at another stage than last night,
        // entered that stage (at creation, when the CRM says it moved, or by this run) — unless the CRM's
        // own history is loaded for it.
        derivedStage = try db.statement(d.insertIgnoring(into: "deal_stage_history", """
            (deal_id, stage_id, pipeline, entered_at, entered_epoch, history_id,
                                                     source_name, src_file, src_line, run_id)
            SELECT ?1, ?2, ?3, \(d.instant("?4")), ?4, NULL, ?5, ?6, ?7, ?8
            WHERE NOT EXISTS (SELECT 1 FROM deal_stage_history WHERE deal_id = ?1 AND history_id IS NOT NULL)
              AND COALESCE((SELECT stage_id FROM deals WHERE deal_id = ?1), '') != ?2
            """))
        dropDerived = try db.statement("DELETE FROM deal_stage_history WHERE deal_id = ? AND history_id IS NULL")
        knownDeal = try db.statement("SELECT 1 FROM deals WHERE deal_id = ?")
        leadStatus = try upsert("lead_status_history", ["lead_id", "status_id", "entered_at", "entered_epoch", "history_id"]
                                + provenance, key: ["lead_id", "entered_epoch", "status_id"])
        activity = try upsert("activities", ["activity_id", "kind", "rep_id", "crm_user_id", "owner_type", "owner_id",
                                             "start_at", "start_epoch", "end_at", "end_epoch", "local_date", "completed",
                                             "direction", "subject"] + provenance, key: ["activity_id"])
        task = try upsert("tasks", ["task_id", "title", "rep_id", "crm_user_id", "created_at", "deadline_at", "deadline_epoch",
                                    "closed_at", "closed_epoch", "status"] + provenance, key: ["task_id"])
        status = try upsert("crm_statuses", ["entity_id", "status_id", "name", "sort", "semantics"], key: ["entity_id", "status_id"])
        user = try upsert("crm_users", ["user_id", "name", "email", "active"], key: ["user_id"])
        workday = try upsert("workday_snapshots", ["crm_user_id", "local_date", "status", "start_epoch", "start_sec", "utc_offset",
                                                   "finish_epoch", "break_secs"] + provenance, key: ["crm_user_id", "local_date"])
        event = try upsert("calendar_events", ["event_id", "owner_user_id", "name", "name_folded", "all_day", "accessibility",
                                               "location", "location_folded", "is_meeting", "deleted", "rrule", "crm_bindings"]
                           + provenance, key: ["event_id"])
        clearSegments = try db.statement("DELETE FROM calendar_segments WHERE event_id = ?")
        segment = try db.statement(d.insertReplacing(into: "calendar_segments", columns: [
            "event_id", "local_date", "start_sec", "end_sec", "occurrence_start", "occurrence_end"],
            key: ["event_id", "occurrence_start", "local_date"]))
        access = try upsert("access_events", ["person", "person_key", "at_epoch", "local_date", "second", "direction", "door"]
                            + provenance, key: ["person_key", "at_epoch", "direction", "door"])
        payment = try upsert("payments", ["payment_id", "deal_id", "rep_id", "paid_at", "paid_epoch", "local_date", "amount",
                                          "currency"] + provenance, key: ["payment_id"])
    }

    /// Writes a record read by `source`; `repID` is the rep its CRM user maps to, if any; lead phones
    /// and addresses are stored with their normalised forms (`normalized`, in the record's order).
    public func write(_ record: CRMRecord, source: String, repID: String?, normalized: [String?]) throws {
        func time(_ epoch: Int64?) -> SQLValue { epoch.map { .text(CivilTime.utcString(epoch: $0)) } ?? .null }
        func int(_ epoch: Int64?) -> SQLValue { epoch.map(SQLValue.integer) ?? .null }
        func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
        let p = record.position
        let provenance: [SQLValue] = [.text(source), .text(p.file), .integer(Int64(p.line)), .integer(runID)]
        let rep = text(repID)
        switch record {
        case let .lead(l):
            let semantic: String
            switch l.semantic ?? (l.statusID == "JUNK" ? .lost : l.statusID == "CONVERTED" ? .won : .open) {
            case .open: semantic = "open"
            case .won: semantic = "converted"
            case .lost: semantic = "junk"
            }
            try lead.run([.text(l.id), .text(l.title), time(l.createdAt), .integer(l.createdAt),
                          .text(clock.localDateString(ofUTC: l.createdAt)), rep, text(l.assignedTo), text(l.sourceID),
                          .text(l.statusID), .text(semantic), .text(l.statusDescription),
                          semantic == "junk" ? .text(l.statusDescription) : .null,
                          l.closedAt.map(SQLValue.integer) ?? .null, l.movedAt.map(SQLValue.integer) ?? .null] + provenance)
            try clearContacts.run([.text(l.id)])
            let kinds = Array(repeating: "phone", count: l.phones.count) + Array(repeating: "email", count: l.emails.count)
            for (i, value) in (l.phones + l.emails).enumerated() {
                try contact.run([.text(l.id), .text(kinds[i]), .text(value), text(i < normalized.count ? normalized[i] : nil)])
            }
        case let .deal(d):
            try knownDeal.bind(1, d.id)
            let known = try knownDeal.step()
            knownDeal.reset()
            let entered = known ? (d.movedAt ?? runStarted) : d.createdAt
            try derivedStage.run([.text(d.id), .text(d.stageID), .text(d.pipeline), .integer(entered)] + provenance)
            let semantic = d.semantic ?? (d.stageID.hasSuffix("WON") ? .won : d.stageID.hasSuffix("LOSE") ? .lost : .open)
            try deal.run([.text(d.id), .text(d.title), .text(d.pipeline), .text(d.stageID), .text(semantic.rawValue), rep,
                          text(d.assignedTo), d.amount.map(SQLValue.real) ?? .null, text(d.currency), time(d.createdAt),
                          .integer(d.createdAt), .text(clock.localDateString(ofUTC: d.createdAt)), text(d.closedDate),
                          text(d.leadID)] + provenance)
        case let .stageEntry(e) where e.owner == .lead:
            try leadStatus.run([.text(e.dealID), .text(e.stageID), time(e.enteredAt), .integer(e.enteredAt), text(e.historyID)]
                               + provenance)
        case let .stageEntry(e):
            if historyLoaded.insert(e.dealID).inserted { try dropDerived.run([.text(e.dealID)]) }
            try stage.run([.text(e.dealID), .text(e.stageID), text(e.pipeline), time(e.enteredAt), .integer(e.enteredAt), rep,
                           text(e.historyID)] + provenance)
        case let .activity(a):
            try activity.run([.text(a.id), .text(a.kind.rawValue), rep, text(a.responsible), .text(a.ownerType), .text(a.ownerID),
                              time(a.start), int(a.start), time(a.end), int(a.end),
                              a.start.map { .text(clock.localDateString(ofUTC: $0)) } ?? .null, .integer(a.completed ? 1 : 0),
                              text(a.direction), .text(a.subject)] + provenance)
        case let .task(t):
            try task.run([.text(t.id), .text(t.title), rep, text(t.responsible), time(t.createdAt), time(t.deadline),
                          int(t.deadline), time(t.closedAt), int(t.closedAt), .text(t.status)] + provenance)
        case let .status(s):
            let semantics: SQLValue = s.semantic.map { .text($0 == .won ? "S" : $0 == .lost ? "F" : "P") } ?? .null
            try status.run([.text(s.entityID), .text(s.statusID), .text(s.name), .integer(Int64(s.sort)), semantics])
        case let .user(u):
            try user.run([.text(u.id), .text(u.name), text(u.email), .integer(u.active ? 1 : 0)])
        case let .workday(w):
            try workday.run([.text(w.userID), .text(CivilTime.dateString(days: w.localDay)), .text(w.status.rawValue),
                             .integer(w.start), .integer(Int64(w.startSecond)), .integer(Int64(w.startOffset)), int(w.finish),
                             .integer(Int64(w.breakSecs))] + provenance)
        case let .calendarEvent(e):
            // A dump holds the event whole: its occurrences are replaced; a deleted event keeps none.
            try event.run([.text(e.id), .text(e.ownerID), .text(e.name), .text(CRMNames.key(e.name)), .integer(e.allDay ? 1 : 0),
                           .text(e.accessibility), .text(e.location), .text(CRMNames.key(e.location)),
                           .integer(e.isMeeting ? 1 : 0), .integer(e.deleted ? 1 : 0), .text(e.rule),
                           .text(jsonArray(e.crmBindings))] + provenance)
            try clearSegments.run([.text(e.id)])
            for g in e.segments where !e.deleted {
                try segment.run([.text(e.id), .text(CivilTime.dateString(days: g.day)),
                                 g.startSecond.map { .integer(Int64($0)) } ?? .null, g.endSecond.map { .integer(Int64($0)) } ?? .null,
                                 .integer(g.occurrenceStart), .integer(g.occurrenceEnd)])
            }
        case let .access(a):
            try access.run([.text(a.person), .text(CRMNames.key(a.person)), .integer(a.at), .text(CivilTime.dateString(days: a.day)),
                            .integer(Int64(a.second)), .text(a.direction.rawValue), .text(a.door)] + provenance)
        case let .payment(pay):
            try payment.run([.text(pay.id), text(pay.dealID), rep, time(pay.paidAt), .integer(pay.paidAt),
                             .text(clock.localDateString(ofUTC: pay.paidAt)), .real(pay.amount), text(pay.currency)] + provenance)
        }
    }

    /// Strings as a JSON array (`["CO_1","L_5"]`), escaped as the call legs' JSON is.
    func jsonArray(_ items: [String]) -> String {
        json.reset()
        json.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { json.append(UInt8(ascii: ",")) }
            json.append(jsonString: item)
        }
        json.append(UInt8(ascii: "]"))
        return String(decoding: json.bytes, as: UTF8.self)
    }

    public func close() {
        for s in [lead, clearContacts, contact, deal, stage, derivedStage, dropDerived, knownDeal, leadStatus, activity, task,
                  status, user, payment, workday, event, clearSegments, segment, access] {
            s.finalize()
        }
    }
}

extension Warehouse {
    public func makeCRMWriter(runID: Int64, clock: ZoneClock, runStarted: Int64) throws -> CRMWriter {
        try CRMWriter(db: db, dialect: dialect, runID: runID, clock: clock, runStarted: runStarted)
    }

    /// The display names a UI export may use: Bitrix24's defaults, the portal's status lists and users
    /// loaded so far, and the configured funnels' stage and pipeline names.
    public func crmNames(funnels: [Funnel]) throws -> CRMNames {
        var names = CRMNames.bitrixDefaults
        for r in try db.query("SELECT entity_id, status_id, name, sort FROM crm_statuses ORDER BY entity_id, sort, status_id") {
            names.add(CRMStatus(entityID: r[0].string ?? "", statusID: r[1].string ?? "", name: r[2].string ?? "",
                                sort: r[3].int ?? 0, semantic: nil, position: SourcePosition(file: "", line: 0)))
        }
        for r in try db.query("SELECT user_id, name FROM crm_users") {
            names.users[CRMNames.key(r[1].string ?? "")] = r[0].string ?? ""
        }
        names.add(funnels)
        return names
    }

    /// What a status or stage means: the CRM's status lists (`crm_statuses`), then the configured
    /// funnels' final stages, decide the semantics of leads and deals that have them. Returns whether
    /// the configured funnels changed.
    @discardableResult
    public func applyCRMStatusSemantics(funnels: [Funnel]) throws -> Bool {
        let changed = try refreshFunnels(funnels)
        try db.execute("""
            UPDATE leads SET status_semantic = CASE s.semantics WHEN 'S' THEN 'converted' WHEN 'F' THEN 'junk' ELSE 'open' END,
                             junk_reason = CASE WHEN s.semantics = 'F' THEN leads.status_description END
            FROM crm_statuses s WHERE s.entity_id = 'STATUS' AND s.status_id = leads.status_id;
            UPDATE deals SET stage_semantic = CASE s.semantics WHEN 'S' THEN 'won' WHEN 'F' THEN 'lost' ELSE 'open' END
            FROM crm_statuses s
            WHERE s.status_id = deals.stage_id
              AND (s.entity_id = 'DEAL_STAGE_' || deals.pipeline OR (deals.pipeline = '0' AND s.entity_id = 'DEAL_STAGE'));
            UPDATE deals SET stage_semantic = CASE WHEN f.final IS NULL THEN 'open' ELSE f.final END
            FROM funnel_stages f WHERE f.pipeline = deals.pipeline AND f.stage_id = deals.stage_id;
            """)
        return changed
    }
}
