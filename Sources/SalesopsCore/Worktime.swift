/// A rep's workday as one Bitrix24 `timeman.status` response saw it (FORMATS §3.7a). The response
/// holds the current workday only; a later snapshot of the same day replaces an earlier one (an open
/// day later closed).
public struct WorkdaySnapshot: Sendable, Equatable {
    public enum Status: String, Sendable {
        case open, paused, closed, expired

        /// `OPENED`, `PAUSED`, `CLOSED`, `EXPIRED` (opened before today and never closed).
        public init?(bitrix: String) {
            switch bitrix.uppercased() {
            case "OPENED": self = .open
            case "PAUSED": self = .paused
            case "CLOSED": self = .closed
            case "EXPIRED": self = .expired
            default: return nil
            }
        }
    }

    /// The CRM user the response was requested for (`USER_ID`: from the wrapper or the file name).
    public var userID: String
    public var status: Status
    /// `TIME_START` as an instant, and the UTC offset it was written with (the workday's own zone).
    public var start: Int64
    public var startOffset: Int
    public var finish: Int64?
    /// `TIME_LEAKS`: the breaks of the day, in seconds (00:00:00 for an unfinished day).
    public var breakSecs: Int
    public var position: SourcePosition

    public init(userID: String, status: Status, start: Int64, startOffset: Int, finish: Int64?, breakSecs: Int,
                position: SourcePosition) {
        self.userID = userID
        self.status = status
        self.start = start
        self.startOffset = startOffset
        self.finish = finish
        self.breakSecs = breakSecs
        self.position = position
    }

    /// The local date the workday started on, in its own zone (day number).
    public var localDay: Int { Int(CivilTime.floorDiv(start + Int64(startOffset), 86_400)) }
    /// Seconds after local midnight the workday started.
    public var startSecond: Int { Int(start + Int64(startOffset) - Int64(localDay) * 86_400) }
}

/// The part of one calendar event's occurrence that falls on one local date.
public struct CalendarSegment: Sendable, Equatable {
    public var day: Int
    /// Seconds after local midnight; nil for an all-day event (it counts the rep's working hours).
    public var startSecond: Int?
    public var endSecond: Int?
    /// When the occurrence begins and ends (UTC); an all-day occurrence's are its local midnights.
    public var occurrenceStart: Int64
    public var occurrenceEnd: Int64

    public init(day: Int, startSecond: Int?, endSecond: Int?, occurrenceStart: Int64, occurrenceEnd: Int64) {
        self.day = day
        self.startSecond = startSecond
        self.endSecond = endSecond
        self.occurrenceStart = occurrenceStart
        self.occurrenceEnd = occurrenceEnd
    }
}

/// One event of a user's Bitrix24 calendar (`calendar.event.get`), its recurrences expanded into
/// local-date segments.
public struct CalendarEvent: Sendable, Equatable {
    public var id: String
    /// The calendar's owner (a CRM user id).
    public var ownerID: String
    public var name: String
    public var allDay: Bool
    /// `busy`, `free`, `quest`, `absent`.
    public var accessibility: String
    public var location: String
    public var isMeeting: Bool
    public var deleted: Bool
    /// The recurrence rule as the CRM gave it (for the record), empty for a single event.
    public var rule: String
    /// CRM bindings (`UF_CRM_CAL_EVENT`: `CO_1`, `L_5`, `D_7`…).
    public var crmBindings: [String]
    public var segments: [CalendarSegment]
    public var position: SourcePosition

    public init(id: String, ownerID: String, name: String, allDay: Bool, accessibility: String, location: String,
                isMeeting: Bool, deleted: Bool, rule: String, crmBindings: [String], segments: [CalendarSegment],
                position: SourcePosition) {
        self.id = id
        self.ownerID = ownerID
        self.name = name
        self.allDay = allDay
        self.accessibility = accessibility
        self.location = location
        self.isMeeting = isMeeting
        self.deleted = deleted
        self.rule = rule
        self.crmBindings = crmBindings
        self.segments = segments
        self.position = position
    }
}

/// One pass of a person through an access-control point (turnstile, door).
public struct AccessEvent: Sendable, Equatable {
    public enum Direction: String, Sendable { case `in`, out }

    /// The person as the export names them: a badge id or a name.
    public var person: String
    public var at: Int64
    /// The local date and seconds after local midnight, in the source's zone.
    public var day: Int
    public var second: Int
    public var direction: Direction
    public var door: String
    public var position: SourcePosition

    public init(person: String, at: Int64, day: Int, second: Int, direction: Direction, door: String,
                position: SourcePosition) {
        self.person = person
        self.at = at
        self.day = day
        self.second = second
        self.direction = direction
        self.door = door
        self.position = position
    }
}

/// A recurrence rule (RFC 5545 subset Bitrix24 writes: `FREQ` DAILY/WEEKLY/MONTHLY/YEARLY, `INTERVAL`,
/// `BYDAY`, `UNTIL`, `COUNT`) with its exception dates, expanded on the local wall clock of the event.
public struct Recurrence: Sendable, Equatable {
    public enum Frequency: String, Sendable { case daily = "DAILY", weekly = "WEEKLY", monthly = "MONTHLY", yearly = "YEARLY" }

    public var frequency: Frequency
    public var interval: Int
    /// ISO weekdays (1 = Monday) of a weekly rule; empty = the first occurrence's weekday.
    public var weekdays: Set<Int>
    /// Last local date an occurrence may start on (day number), inclusive.
    public var until: Int?
    public var count: Int?
    /// Local dates (day numbers) that are skipped.
    public var exceptions: Set<Int>

    public init(frequency: Frequency, interval: Int = 1, weekdays: Set<Int> = [], until: Int? = nil, count: Int? = nil,
                exceptions: Set<Int> = []) {
        self.frequency = frequency
        self.interval = max(1, interval)
        self.weekdays = weekdays
        self.until = until
        self.count = count
        self.exceptions = exceptions
    }

    static let weekdayCodes = ["MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6, "SU": 7]

    /// Reads `FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;UNTIL=…` (or the same keys as separate values): nil
    /// when there is no rule; throws a reason for one it cannot read.
    public static func parse(fields: [String: String], exdates: String) throws -> Recurrence? {
        guard let freqText = fields["FREQ"], !freqText.isEmpty, freqText.uppercased() != "NONE" else { return nil }
        guard let frequency = Frequency(rawValue: freqText.uppercased()) else {
            throw RecurrenceError(reason: "unsupported recurrence FREQ=\(freqText)")
        }
        var rule = Recurrence(frequency: frequency)
        if let text = fields["INTERVAL"], !text.isEmpty {
            guard let n = Int(text), n >= 1 else { throw RecurrenceError(reason: "bad recurrence INTERVAL=\(text)") }
            rule.interval = n
        }
        if let text = fields["COUNT"], !text.isEmpty {
            guard let n = Int(text), n >= 1 else { throw RecurrenceError(reason: "bad recurrence COUNT=\(text)") }
            rule.count = n
        }
        for code in (fields["BYDAY"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }) {
            // `2MO` (the second Monday) is a monthly form this reader does not expand.
            guard let day = weekdayCodes[String(code.suffix(2)).uppercased()], code.count == 2 else {
                throw RecurrenceError(reason: "unsupported recurrence BYDAY=\(fields["BYDAY"] ?? "")")
            }
            rule.weekdays.insert(day)
        }
        if let text = fields["UNTIL"], !text.isEmpty {
            guard let day = localeDate(text) else { throw RecurrenceError(reason: "bad recurrence UNTIL=\(text)") }
            rule.until = day
        }
        for text in exdates.split(whereSeparator: { $0 == ";" || $0 == "," }) {
            let item = String(text).trimmingSpaces
            guard !item.isEmpty else { continue }
            guard let day = localeDate(item) else { throw RecurrenceError(reason: "bad EXDATE '\(item)'") }
            rule.exceptions.insert(day)
        }
        return rule
    }

    /// A date as Bitrix24 writes it in the portal's locale or in ISO form: `11/28/2024` (month first,
    /// with slashes), `28.11.2024` (day first, with dots), `2024-11-28`, `20241128`, each possibly
    /// followed by a time. Day number, or nil.
    public static func localeDate(_ text: String) -> Int? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ n: Int) -> Int? { ByteParsing.digits(b, from: from, count: n) }
        var ymd: (Int, Int, Int)?
        if b.count >= 10, b[2] == UInt8(ascii: "/"), b[5] == UInt8(ascii: "/"), let m = num(0, 2), let d = num(3, 2), let y = num(6, 4) {
            ymd = (y, m, d)
        } else if b.count >= 10, b[2] == UInt8(ascii: "."), b[5] == UInt8(ascii: "."), let d = num(0, 2), let m = num(3, 2),
                  let y = num(6, 4) {
            ymd = (y, m, d)
        } else if b.count >= 10, b[4] == UInt8(ascii: "-"), let y = num(0, 4), let m = num(5, 2), let d = num(8, 2) {
            ymd = (y, m, d)
        } else if b.count >= 8, let y = num(0, 4), let m = num(4, 2), let d = num(6, 2) {
            ymd = (y, m, d)
        }
        guard let (y, m, d) = ymd, (1...12).contains(m), d >= 1, d <= CivilTime.daysInMonth(year: y, month: m) else { return nil }
        return CivilTime.daysFromCivil(year: y, month: m, day: d)
    }

    /// The local dates occurrences start on, from the first occurrence's date `first` up to `horizon`
    /// (inclusive) — the rule's own end when it comes first — skipping the exception dates (which
    /// still count toward `COUNT`, as RFC 5545 says). At most `limit` dates.
    public func dates(first: Int, horizon: Int, limit: Int = 5_000) -> [Int] {
        let last = min(horizon, until ?? Int.max)
        var out: [Int] = []
        var produced = 0
        func emit(_ day: Int) -> Bool {
            if let count, produced >= count { return false }
            produced += 1
            if !exceptions.contains(day) { out.append(day) }
            return out.count < limit
        }
        guard first <= last else { return [] }
        switch frequency {
        case .daily:
            var day = first
            while day <= last, emit(day) { day += interval }
        case .weekly:
            let days = weekdays.isEmpty ? [CivilTime.isoWeekday(days: first)] : weekdays.sorted()
            var weekStart = first - (CivilTime.isoWeekday(days: first) - 1)
            outer: while weekStart <= last {
                for weekday in days {
                    let day = weekStart + weekday - 1
                    if day < first { continue }
                    if day > last { break outer }
                    if !emit(day) { break outer }
                }
                weekStart += 7 * interval
            }
        case .monthly, .yearly:
            let (y0, m0, d0) = CivilTime.civilFromDays(first)
            var step = 0
            while true {
                let months = frequency == .monthly ? step * interval : step * interval * 12
                let y = y0 + (m0 - 1 + months) / 12
                let m = (m0 - 1 + months) % 12 + 1
                step += 1
                // A day the month lacks (31 April) has no occurrence, as RFC 5545 says.
                guard d0 <= CivilTime.daysInMonth(year: y, month: m) else { continue }
                let day = CivilTime.daysFromCivil(year: y, month: m, day: d0)
                if day > last || !emit(day) { break }
            }
        }
        return out
    }
}

/// Why a recurrence rule could not be read.
public struct RecurrenceError: Error, Equatable, Sendable {
    public var reason: String
}

extension CivilTime {
    /// `a / b` rounded toward minus infinity (`b` > 0): the day of a negative instant.
    @inline(__always)
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }
}
