import SalesopsCore
import SalesopsJSON

/// Reads saved Bitrix24 REST responses of one method (`crm.lead.list`, `crm.deal.list`,
/// `crm.stagehistory.list`, `crm.activity.list`, `crm.status.list`, `user.get`, `tasks.task.list`):
/// every scalar may be a string, `""` is an empty date, booleans are `Y`/`N` (or JSON booleans),
/// datetimes carry offsets (without one they are read in the source's time zone). A record that
/// cannot be read is rejected with its line; a file that is not strict JSON is rejected from the
/// first bad byte on, located.
public struct BitrixRESTExtractor: CRMExtractor {
    public let method: String
    public let clock: ZoneClock
    /// The last local date a recurring calendar event is expanded to (day number).
    public let horizon: Int

    public init(method: String, clock: ZoneClock, horizon: Int = CivilTime.daysFromCivil(year: 2099, month: 12, day: 31)) {
        self.method = method
        self.clock = clock
        self.horizon = horizon
    }

    struct Bad: Error { var reason: String }
    /// A record that is read and deliberately not loaded (counted as filtered).
    struct Skip: Error { var reason: String }

    public func extract(path: String, displayPath: String, into sink: CRMSink) throws -> ExtractResult {
        let fileName = String(displayPath.split(separator: "/").last ?? "")
        return try Self.readRecords(path: path, displayPath: displayPath, reject: sink.reject) { value, position, page in
            let record: CRMRecord
            switch method {
            case "timeman.status": record = try workday(value, position, page: page, fileName: fileName)
            case "calendar.event.get":
                do { record = try calendarEvent(value, position) } catch let skip as Skip {
                    return sink.filter(reason: skip.reason, at: position)
                }
            default: record = try map(value, position)
            }
            try sink.accept(record)
        }
    }

    /// Reads a dump record by record for any Bitrix24 method: a record `body` throws ``Bad`` for is a
    /// located reject; a file that is not strict JSON, or a saved error page, is one located reject from
    /// there on. Dumps are read whole; the end of what was read is the file's resume point.
    static func readRecords(path: String, displayPath: String, reject: (Reject) -> Void,
                            _ body: (JSONValue, SourcePosition, [String: String]) throws -> Void) throws -> ExtractResult {
        var rows = 0
        var bytes: Int64 = 0
        do {
            bytes = try BitrixRESTDump.forEachRecord(path: path) { value, line, page in
                rows += 1
                let position = SourcePosition(file: displayPath, line: line)
                do {
                    try body(value, position, page)
                } catch let bad as Bad {
                    reject(Reject(position: position, reason: bad.reason, raw: summary(value)))
                }
            }
        } catch let error as JSONSyntaxError {
            rows += 1
            reject(Reject(position: SourcePosition(file: displayPath, line: error.line),
                          reason: "not strict JSON: \(error.description); the rest of the file is not read", raw: ""))
        } catch let error as BitrixRESTDump.ErrorPage {
            rows += 1
            reject(Reject(position: SourcePosition(file: displayPath, line: error.line),
                          reason: "a saved error response: \(error.message)", raw: ""))
        }
        return ExtractResult(rows: rows, resume: ResumePoint(offset: bytes, line: 0))
    }

    /// A short text of a record for `rejects.raw`.
    static func summary(_ value: JSONValue) -> String {
        guard case let .object(members) = value else { return "" }
        return members.prefix(6).map { "\($0.0)=\($0.1.text ?? "…")" }.joined(separator: " ")
    }

    func text(_ v: JSONValue, _ key: String) -> String? {
        guard let t = v[key]?.text, !t.isEmpty else { return nil }
        return t
    }

    func required(_ v: JSONValue, _ key: String) throws -> String {
        guard let t = text(v, key) else { throw Bad(reason: "no \(key)") }
        return t
    }

    func time(_ v: JSONValue, _ key: String, required: Bool = false) throws -> Int64? {
        guard let t = text(v, key) else {
            if required { throw Bad(reason: "no \(key)") }
            return nil
        }
        guard let epoch = ISOTimestamp.parse(t, clock: clock) else { throw Bad(reason: "\(key) is not a date: '\(t)'") }
        return epoch
    }

    func flag(_ v: JSONValue, _ key: String) -> Bool {
        switch v[key] {
        case let .bool(b)?: return b
        case let .string(s)?: return s == "Y" || s == "1" || s.lowercased() == "true"
        case let .number(n)?: return n != "0"
        default: return false
        }
    }

    /// Values of a Bitrix24 multi-field (`PHONE`, `EMAIL`: arrays of `{VALUE_TYPE, VALUE}`).
    func multi(_ v: JSONValue, _ key: String) -> [String] {
        (v[key]?.array ?? []).compactMap { $0["VALUE"]?.text }.filter { !$0.isEmpty }
    }

    func map(_ v: JSONValue, _ p: SourcePosition) throws -> CRMRecord {
        guard case .object = v else { throw Bad(reason: "a record is not a JSON object") }
        switch method {
        case "crm.lead.list":
            return .lead(CRMLead(
                id: try required(v, "ID"), title: text(v, "TITLE") ?? "", createdAt: try time(v, "DATE_CREATE", required: true)!,
                assignedTo: text(v, "ASSIGNED_BY_ID"), sourceID: text(v, "SOURCE_ID"), statusID: try required(v, "STATUS_ID"),
                semantic: text(v, "STATUS_SEMANTIC_ID").flatMap(CRMSemantic.init(bitrix:)),
                statusDescription: text(v, "STATUS_DESCRIPTION") ?? "", phones: multi(v, "PHONE"), emails: multi(v, "EMAIL"),
                closedAt: try time(v, "DATE_CLOSED"), movedAt: try time(v, "MOVED_TIME"), position: p))
        case "crm.deal.list":
            var amount: Double?
            if let raw = text(v, "OPPORTUNITY") {
                switch Amount.parse(raw) {
                case let .success(value): amount = value
                case let .failure(error): throw Bad(reason: "OPPORTUNITY is \(error.reason)")
                }
            }
            // CLOSEDATE comes back as a datetime: the calendar date as written is the date meant.
            let closed = flag(v, "CLOSED") ? text(v, "CLOSEDATE").map { String($0.prefix(10)) } : nil
            return .deal(CRMDeal(
                id: try required(v, "ID"), title: text(v, "TITLE") ?? "", pipeline: text(v, "CATEGORY_ID") ?? "0",
                stageID: try required(v, "STAGE_ID"), semantic: text(v, "STAGE_SEMANTIC_ID").flatMap(CRMSemantic.init(bitrix:)),
                assignedTo: text(v, "ASSIGNED_BY_ID"), amount: amount, currency: text(v, "CURRENCY_ID"),
                createdAt: try time(v, "DATE_CREATE", required: true)!, closedDate: closed, leadID: text(v, "LEAD_ID"),
                movedAt: try time(v, "MOVED_TIME"), position: p))
        case "crm.stagehistory.list":
            // Deals carry STAGE_ID, leads STATUS_ID.
            let owner: CRMStageEntry.Owner = text(v, "STAGE_ID") != nil ? .deal : .lead
            let stage = try required(v, owner == .deal ? "STAGE_ID" : "STATUS_ID")
            return .stageEntry(CRMStageEntry(
                historyID: text(v, "ID"), owner: owner, dealID: try required(v, "OWNER_ID"), stageID: stage,
                pipeline: text(v, "CATEGORY_ID"), enteredAt: try time(v, "CREATED_TIME", required: true)!, position: p))
        case "crm.activity.list":
            let ownerTypes = ["1": "lead", "2": "deal", "3": "contact", "4": "company"]
            let ownerType = try required(v, "OWNER_TYPE_ID")
            let directions = ["1": "incoming", "2": "outgoing"]
            return .activity(CRMActivity(
                id: try required(v, "ID"), kind: Self.activityKind(type: text(v, "TYPE_ID"), provider: text(v, "PROVIDER_ID")),
                ownerType: ownerTypes[ownerType] ?? ownerType, ownerID: try required(v, "OWNER_ID"),
                responsible: text(v, "RESPONSIBLE_ID"), start: try time(v, "START_TIME"), end: try time(v, "END_TIME"),
                completed: flag(v, "COMPLETED"), direction: text(v, "DIRECTION").flatMap { directions[$0] },
                subject: text(v, "SUBJECT") ?? "", position: p))
        case "crm.status.list":
            let semantics = text(v, "SEMANTICS") ?? v["EXTRA"]?["SEMANTICS"]?.text
            return .status(CRMStatus(
                entityID: try required(v, "ENTITY_ID"), statusID: try required(v, "STATUS_ID"), name: text(v, "NAME") ?? "",
                sort: text(v, "SORT").flatMap { Int($0) } ?? 0, semantic: semantics.flatMap(CRMSemantic.init(bitrix:)),
                position: p))
        case "user.get":
            let name = [text(v, "NAME"), text(v, "LAST_NAME")].compactMap { $0 }.joined(separator: " ")
            return .user(CRMUser(id: try required(v, "ID"), name: name, email: text(v, "EMAIL")?.lowercased(),
                                 active: v["ACTIVE"] == nil || flag(v, "ACTIVE"), position: p))
        case "tasks.task.list":
            let statuses = ["1": "new", "2": "pending", "3": "in_progress", "4": "awaiting_control", "5": "completed",
                            "6": "deferred", "7": "declined"]
            let status = text(v, "status") ?? ""
            return .task(CRMTask(
                id: try required(v, "id"), title: text(v, "title") ?? "", responsible: text(v, "responsibleId"),
                createdAt: try time(v, "createdDate"), deadline: try time(v, "deadline"), closedAt: try time(v, "closedDate"),
                status: statuses[status] ?? status, position: p))
        default:
            throw Bad(reason: "unknown method \(method)")
        }
    }

    /// `TYPE_ID` 1 meeting, 2 call, 3 task, 4 e-mail; type 6 by provider (Open Lines sessions are chats).
    static func activityKind(type: String?, provider: String?) -> ActivityKind {
        switch (type ?? "", provider ?? "") {
        case ("1", _): return .meeting
        case ("2", _), (_, "VOXIMPLANT_CALL"): return .call
        case ("3", _), (_, "TASKS_TASK"), (_, "CRM_TODO"): return .task
        case ("4", _), (_, "CRM_EMAIL"): return .email
        case (_, "IMOPENLINES_SESSION"): return .chat
        default: return .other
        }
    }
}
