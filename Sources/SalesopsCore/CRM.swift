/// Where a deal or lead stands: in progress, won (converted), or lost (junk).
public enum CRMSemantic: String, Sendable, Equatable {
    case open, won, lost

    /// Bitrix24's `P` / `S` / `F` (also `process`/`success`/`failure`/`apology`).
    public init?(bitrix code: String) {
        switch code.uppercased() {
        case "P", "PROCESS", "": self = .open
        case "S", "SUCCESS": self = .won
        case "F", "FAILURE", "APOLOGY": self = .lost
        default: return nil
        }
    }
}

/// What kind of CRM activity (Bitrix24 "Дело") a record is.
public enum ActivityKind: String, Sendable, Equatable, CaseIterable {
    case meeting, call, email, task, chat, other
}

/// One CRM record read from a dump, before resolution against the roster. Times are seconds since the
/// epoch (UTC); `nil` where the CRM left the field empty.
public enum CRMRecord: Sendable, Equatable {
    case lead(CRMLead)
    case deal(CRMDeal)
    case stageEntry(CRMStageEntry)
    case activity(CRMActivity)
    case task(CRMTask)
    case status(CRMStatus)
    case user(CRMUser)
    case payment(CRMPayment)
    case workday(WorkdaySnapshot)
    case calendarEvent(CalendarEvent)
    case access(AccessEvent)

    public var position: SourcePosition {
        switch self {
        case let .lead(r): return r.position
        case let .deal(r): return r.position
        case let .stageEntry(r): return r.position
        case let .activity(r): return r.position
        case let .task(r): return r.position
        case let .status(r): return r.position
        case let .user(r): return r.position
        case let .payment(r): return r.position
        case let .workday(r): return r.position
        case let .calendarEvent(r): return r.position
        case let .access(r): return r.position
        }
    }

    /// What the record is, for a reject's raw column (`deal 37`, `stage entry of deal 37`).
    public var summary: String {
        switch self {
        case let .lead(r): return "lead \(r.id)"
        case let .deal(r): return "deal \(r.id)"
        case let .stageEntry(r): return "stage entry of \(r.owner.rawValue) \(r.dealID)"
        case let .activity(r): return "activity \(r.id)"
        case let .task(r): return "task \(r.id)"
        case let .status(r): return "status \(r.statusID)"
        case let .user(r): return "user \(r.id)"
        case let .payment(r): return "payment \(r.id)"
        case let .workday(r): return "workday of user \(r.userID)"
        case let .calendarEvent(r): return "calendar event \(r.id)"
        case let .access(r): return "pass of \(r.person)"
        }
    }
}

public struct CRMLead: Sendable, Equatable {
    public var id: String
    public var title: String
    public var createdAt: Int64
    /// The CRM user responsible (`ASSIGNED_BY_ID`).
    public var assignedTo: String?
    /// Where the lead came from (`SOURCE_ID`: CALL, EMAIL, WEB…).
    public var sourceID: String?
    public var statusID: String
    /// Known from the record (`STATUS_SEMANTIC_ID`) or later from the status list; nil when neither says.
    public var semantic: CRMSemantic?
    /// `STATUS_DESCRIPTION`: why a lead was junked, when it was.
    public var statusDescription: String
    public var phones: [String]
    public var emails: [String]
    /// `DATE_CLOSED`: when the lead was closed (converted or junked), if the source says.
    public var closedAt: Int64?
    /// `MOVED_TIME` (REST) or the modification time of a UI export: when its status last changed, at the latest.
    public var movedAt: Int64?
    public var position: SourcePosition

    public init(id: String, title: String, createdAt: Int64, assignedTo: String?, sourceID: String?, statusID: String,
                semantic: CRMSemantic?, statusDescription: String, phones: [String], emails: [String],
                closedAt: Int64? = nil, movedAt: Int64? = nil, position: SourcePosition) {
        self.closedAt = closedAt
        self.movedAt = movedAt
        self.id = id
        self.title = title
        self.createdAt = createdAt
        self.assignedTo = assignedTo
        self.sourceID = sourceID
        self.statusID = statusID
        self.semantic = semantic
        self.statusDescription = statusDescription
        self.phones = phones
        self.emails = emails
        self.position = position
    }
}

public struct CRMDeal: Sendable, Equatable {
    public var id: String
    public var title: String
    /// The pipeline (Bitrix24 `CATEGORY_ID`, `"0"` = the general one).
    public var pipeline: String
    public var stageID: String
    public var semantic: CRMSemantic?
    public var assignedTo: String?
    public var amount: Double?
    public var currency: String?
    public var createdAt: Int64
    /// The calendar date the deal closed, as the CRM wrote it (`YYYY-MM-DD`), when closed.
    public var closedDate: String?
    public var leadID: String?
    /// When the deal last moved to its stage (`MOVED_TIME`) or was last modified, when the CRM says;
    /// dates the stage entries derived from snapshots.
    public var movedAt: Int64?
    public var position: SourcePosition

    public init(id: String, title: String, pipeline: String, stageID: String, semantic: CRMSemantic?, assignedTo: String?,
                amount: Double?, currency: String?, createdAt: Int64, closedDate: String?, leadID: String?,
                movedAt: Int64? = nil, position: SourcePosition) {
        self.id = id
        self.title = title
        self.pipeline = pipeline
        self.stageID = stageID
        self.semantic = semantic
        self.assignedTo = assignedTo
        self.amount = amount
        self.currency = currency
        self.createdAt = createdAt
        self.closedDate = closedDate
        self.leadID = leadID
        self.movedAt = movedAt
        self.position = position
    }
}

/// A deal entering a stage, or a lead entering a status (`crm.stagehistory.list`).
public struct CRMStageEntry: Sendable, Equatable {
    public enum Owner: String, Sendable { case deal, lead }

    public var historyID: String?
    public var owner: Owner
    /// The deal's (or lead's) id.
    public var dealID: String
    public var stageID: String
    public var pipeline: String?
    public var enteredAt: Int64
    public var position: SourcePosition

    public init(historyID: String?, owner: Owner = .deal, dealID: String, stageID: String, pipeline: String?,
                enteredAt: Int64, position: SourcePosition) {
        self.historyID = historyID
        self.owner = owner
        self.dealID = dealID
        self.stageID = stageID
        self.pipeline = pipeline
        self.enteredAt = enteredAt
        self.position = position
    }
}

public struct CRMActivity: Sendable, Equatable {
    public var id: String
    public var kind: ActivityKind
    /// The CRM entity it is bound to: `lead`, `deal`, `contact`, `company` or the CRM's type number.
    public var ownerType: String
    public var ownerID: String
    public var responsible: String?
    public var start: Int64?
    public var end: Int64?
    public var completed: Bool
    /// `incoming`, `outgoing` or nil.
    public var direction: String?
    public var subject: String
    public var position: SourcePosition

    public init(id: String, kind: ActivityKind, ownerType: String, ownerID: String, responsible: String?, start: Int64?,
                end: Int64?, completed: Bool, direction: String?, subject: String, position: SourcePosition) {
        self.id = id
        self.kind = kind
        self.ownerType = ownerType
        self.ownerID = ownerID
        self.responsible = responsible
        self.start = start
        self.end = end
        self.completed = completed
        self.direction = direction
        self.subject = subject
        self.position = position
    }
}

public struct CRMTask: Sendable, Equatable {
    public var id: String
    public var title: String
    public var responsible: String?
    public var createdAt: Int64?
    public var deadline: Int64?
    public var closedAt: Int64?
    /// `pending`, `in_progress`, `awaiting_control`, `completed`, `deferred` or the CRM's code.
    public var status: String
    public var position: SourcePosition

    public init(id: String, title: String, responsible: String?, createdAt: Int64?, deadline: Int64?, closedAt: Int64?,
                status: String, position: SourcePosition) {
        self.id = id
        self.title = title
        self.responsible = responsible
        self.createdAt = createdAt
        self.deadline = deadline
        self.closedAt = closedAt
        self.status = status
        self.position = position
    }
}

/// A status or stage of the CRM's reference lists (`crm.status.list`).
public struct CRMStatus: Sendable, Equatable {
    /// The list: `STATUS` (lead statuses), `DEAL_STAGE`, `DEAL_STAGE_<pipeline>`, `SOURCE`…
    public var entityID: String
    public var statusID: String
    public var name: String
    public var sort: Int
    public var semantic: CRMSemantic?
    public var position: SourcePosition

    public init(entityID: String, statusID: String, name: String, sort: Int, semantic: CRMSemantic?, position: SourcePosition) {
        self.entityID = entityID
        self.statusID = statusID
        self.name = name
        self.sort = sort
        self.semantic = semantic
        self.position = position
    }
}

/// A payment received (an accounting or CRM export).
public struct CRMPayment: Sendable, Equatable {
    public var id: String
    public var dealID: String?
    /// The rep's CRM user or display name, when the export says; else the deal's rep.
    public var responsible: String?
    public var paidAt: Int64
    public var amount: Double
    public var currency: String?
    public var position: SourcePosition

    public init(id: String, dealID: String?, responsible: String?, paidAt: Int64, amount: Double, currency: String?,
                position: SourcePosition) {
        self.id = id
        self.dealID = dealID
        self.responsible = responsible
        self.paidAt = paidAt
        self.amount = amount
        self.currency = currency
        self.position = position
    }
}

/// A CRM user (`user.get`).
public struct CRMUser: Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String?
    public var active: Bool
    public var position: SourcePosition

    public init(id: String, name: String, email: String?, active: Bool, position: SourcePosition) {
        self.id = id
        self.name = name
        self.email = email
        self.active = active
        self.position = position
    }
}

/// Receives what a CRM extractor reads from one file.
public protocol CRMSink: AnyObject {
    func accept(_ record: CRMRecord) throws
    /// A record (or the rest of a file that is not strict JSON) that could not be read; the run goes on.
    func reject(_ reject: Reject)
    func filter(reason: String, at position: SourcePosition)
}

/// Streams the records of one CRM dump file into a sink.
public protocol CRMExtractor {
    func extract(path: String, displayPath: String, into sink: CRMSink) throws -> ExtractResult
}

/// Display names of a CRM's stages, statuses, sources, pipelines and users mapped back to their ids:
/// UI exports write names where REST writes ids. Names are compared case-insensitively with Latin
/// look-alike letters read as Cyrillic (Bitrix24 ships `Cчёт на предоплату` with a Latin C), `ё` as
/// `е` and runs of spaces as one.
public struct CRMNames: Sendable {
    /// Deal stage name → (pipeline or nil when the list does not say, stage id).
    public var stages: [String: [(pipeline: String?, id: String)]] = [:]
    public var leadStatuses: [String: String] = [:]
    public var sources: [String: String] = [:]
    public var pipelines: [String: String] = [:]
    public var users: [String: String] = [:]

    public init() {}

    /// Bitrix24's shipped names (RU and EN) of the general pipeline's stages, lead statuses and the
    /// general pipeline itself; a portal's own lists (`crm.status.list`) and the funnels add to them.
    public static let bitrixDefaults: CRMNames = {
        var n = CRMNames()
        let stages = [("NEW", "Новая", "New"), ("PREPARATION", "Подготовка документов", "Document preparation"),
                      ("PREPAYMENT_INVOICE", "Cчёт на предоплату", "Prepayment invoice"), ("EXECUTING", "В работе", "In progress"),
                      ("FINAL_INVOICE", "Финальный счёт", "Final invoice"), ("WON", "Сделка успешна", "Deal successful"),
                      ("LOSE", "Сделка провалена", "Deal failed"), ("APOLOGY", "Анализ причины провала", "Failure reason analysis")]
        for (id, ru, en) in stages {
            n.addStage(name: ru, pipeline: "0", id: id)
            n.addStage(name: en, pipeline: "0", id: id)
            n.addStage(name: id, pipeline: nil, id: id)
        }
        for (id, ru, en) in [("NEW", "Не обработан", "Unassigned"), ("IN_PROCESS", "В работе", "In progress"),
                             ("PROCESSED", "Обработан", "Processed"), ("JUNK", "Некачественный лид", "Junk lead"),
                             ("CONVERTED", "Качественный лид", "Good lead")] {
            n.leadStatuses[key(ru)] = id
            n.leadStatuses[key(en)] = id
            n.leadStatuses[key(id)] = id
        }
        for name in ["Общее", "General", "Общая", "Воронка по умолчанию", "0"] { n.pipelines[key(name)] = "0" }
        return n
    }()

    /// The comparison form of a name.
    public static func key(_ name: String) -> String {
        let lookAlikes: [Character: Character] = [
            "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т", "X": "Х",
            "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у",
        ]
        let folded = name.map { lookAlikes[$0] ?? $0 }.map { $0 == "ё" || $0 == "Ё" ? "е" : $0 }
        return String(folded).lowercased().split(whereSeparator: { $0 == " " || $0 == "\u{A0}" || $0 == "\t" })
            .joined(separator: " ")
    }

    /// Adds what a status-list record names: lead statuses, sources, deal stages of a pipeline.
    public mutating func add(_ status: CRMStatus) {
        switch status.entityID {
        case "STATUS": leadStatuses[Self.key(status.name)] = status.statusID
        case "SOURCE": sources[Self.key(status.name)] = status.statusID
        case "DEAL_STAGE": addStage(name: status.name, pipeline: "0", id: status.statusID)
        case let e where e.hasPrefix("DEAL_STAGE_"): addStage(name: status.name, pipeline: String(e.dropFirst(11)), id: status.statusID)
        default: break
        }
    }

    /// Adds the configured funnels' pipeline names and stage ids and names.
    public mutating func add(_ funnels: [Funnel]) {
        for funnel in funnels {
            if !funnel.name.isEmpty { pipelines[Self.key(funnel.name)] = funnel.pipeline }
            for stage in funnel.stages {
                addStage(name: stage.id, pipeline: funnel.pipeline, id: stage.id)
                if let name = stage.name { addStage(name: name, pipeline: funnel.pipeline, id: stage.id) }
            }
        }
    }

    public mutating func addStage(name: String, pipeline: String?, id: String) {
        let k = Self.key(name)
        if !(stages[k] ?? []).contains(where: { $0.pipeline == pipeline && $0.id == id }) { stages[k, default: []].append((pipeline, id)) }
    }

    /// The id of a stage name in a pipeline (a name listed for no pipeline in particular also fits).
    public func stage(_ name: String, pipeline: String) -> String? {
        let candidates = stages[Self.key(name)] ?? []
        return candidates.first { $0.pipeline == pipeline }?.id ?? candidates.first { $0.pipeline == nil }?.id
    }
}

/// ISO 8601 timestamps as CRM APIs write them: `2024-08-30T14:29:00+02:00`, `…Z`, fractions, and
/// date-only values (midnight in the given offset).
public enum ISOTimestamp {
    /// Seconds since the epoch; nil for an empty or malformed value. A value without an offset is read
    /// in `clock`'s zone.
    public static func parse(_ text: String, clock: ZoneClock) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 10 else { return nil }
        func num(_ from: Int, _ n: Int) -> Int? { ByteParsing.digits(b, from: from, count: n) }
        guard let y = num(0, 4), b[4] == UInt8(ascii: "-"), let mo = num(5, 2), b[7] == UInt8(ascii: "-"),
              let d = num(8, 2), (1...12).contains(mo), d >= 1, d <= CivilTime.daysInMonth(year: y, month: mo) else { return nil }
        var h = 0, mi = 0, s = 0
        var i = 10
        if i < b.count && (b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ")) {
            guard let hh = num(11, 2), b.count > 13, b[13] == UInt8(ascii: ":"), let mm = num(14, 2),
                  hh < 24, mm < 60 else { return nil }
            h = hh; mi = mm
            i = 16
            if i < b.count && b[i] == UInt8(ascii: ":") {
                guard let ss = num(17, 2), ss < 61 else { return nil }
                s = min(ss, 59)
                i = 19
            }
            if i < b.count && (b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",")) {
                i += 1
                while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            }
        }
        let naive = Int64(CivilTime.daysFromCivil(year: y, month: mo, day: d)) * 86_400 + Int64(h * 3600 + mi * 60 + s)
        if i == b.count { return clock.utc(fromLocal: naive) }
        if b[i] == UInt8(ascii: "Z") && i + 1 == b.count { return naive }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), let oh = num(i + 1, 2) else { return nil }
        var om = 0
        var j = i + 3
        if j < b.count && b[j] == UInt8(ascii: ":") { j += 1 }
        if j < b.count {
            guard let m = num(j, 2), j + 2 == b.count else { return nil }
            om = m
        }
        let offset = Int64(oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
        return naive - offset
    }
}
