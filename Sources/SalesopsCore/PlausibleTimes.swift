/// The one plausibility window every reader's timestamps must fall in (`company.plausible_dates`,
/// default 2000-01-01 to 2099-12-31, whole UTC days). A required time outside it (a call's start,
/// a lead's or deal's creation, a stage entry, a payment, a mail's date) makes its row a located
/// reject; an optional one (a deadline, a close date, `9999-12-31` used as "never") becomes NULL.
/// Without it one deal "created" in 9999 or year 1 breaks every period computed from it.
public struct PlausibleTimes: Sendable, Equatable {
    /// First and last plausible day (day numbers since 1970-01-01), inclusive.
    public var firstDay: Int
    public var lastDay: Int

    public init(firstDay: Int = CivilTime.daysFromCivil(year: 2000, month: 1, day: 1),
                lastDay: Int = CivilTime.daysFromCivil(year: 2099, month: 12, day: 31)) {
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    public func contains(epoch: Int64) -> Bool {
        epoch >= Int64(firstDay) * 86_400 && epoch < Int64(lastDay + 1) * 86_400
    }

    /// Whether a `YYYY-MM-DD…` text names a plausible day (an unreadable one is not).
    public func contains(dateText: String) -> Bool {
        guard let day = CivilTime.days(fromDateString: String(dateText.prefix(10))) else { return false }
        return day >= firstDay && day <= lastDay
    }

    /// The window as the reject reasons and `validate` name it.
    public var text: String { "\(CivilTime.dateString(days: firstDay)) to \(CivilTime.dateString(days: lastDay))" }

    /// The reason a required time is rejected, or nil when it is plausible.
    public func problem(_ field: String, epoch: Int64) -> String? {
        contains(epoch: epoch) ? nil
            : "\(field) \(CivilTime.utcString(epoch: epoch)) is outside the plausible dates \(text) (company.plausible_dates)"
    }

    /// An optional time: kept when plausible, else nil ("never").
    public func optional(_ epoch: Int64?) -> Int64? { epoch.flatMap { contains(epoch: $0) ? $0 : nil } }

    /// Screens a CRM record: the reason to reject it, or the record with implausible optional times
    /// cleared.
    public func screen(_ record: CRMRecord) -> Result<CRMRecord, PlausibilityError> {
        func fail(_ field: String, _ epoch: Int64) -> Result<CRMRecord, PlausibilityError>? {
            problem(field, epoch: epoch).map { .failure(PlausibilityError(reason: $0)) }
        }
        switch record {
        case var .lead(r):
            if let bad = fail("created_at", r.createdAt) { return bad }
            r.closedAt = optional(r.closedAt)
            r.movedAt = optional(r.movedAt)
            return .success(.lead(r))
        case var .deal(r):
            if let bad = fail("created_at", r.createdAt) { return bad }
            r.movedAt = optional(r.movedAt)
            if let closed = r.closedDate, !contains(dateText: closed) { r.closedDate = nil }
            return .success(.deal(r))
        case let .stageEntry(r):
            return fail("entered_at", r.enteredAt) ?? .success(record)
        case var .activity(r):
            r.start = optional(r.start)
            r.end = optional(r.end)
            return .success(.activity(r))
        case var .task(r):
            r.createdAt = optional(r.createdAt)
            r.deadline = optional(r.deadline)
            r.closedAt = optional(r.closedAt)
            return .success(.task(r))
        case let .payment(r):
            return fail("paid_at", r.paidAt) ?? .success(record)
        case let .workday(r):
            return fail("TIME_START", r.start) ?? .success(.workday(WorkdaySnapshot(
                userID: r.userID, status: r.status, start: r.start, startOffset: r.startOffset, finish: optional(r.finish),
                breakSecs: r.breakSecs, position: r.position)))
        case var .calendarEvent(r):
            r.segments = r.segments.filter { contains(epoch: $0.occurrenceStart) && contains(epoch: $0.occurrenceEnd) }
            return .success(.calendarEvent(r))
        case let .access(r):
            return fail("the time", r.at) ?? .success(record)
        case .status, .user:
            return .success(record)
        }
    }
}

/// Why a record's time is not plausible.
public struct PlausibilityError: Error, Equatable, Sendable {
    public var reason: String
}
