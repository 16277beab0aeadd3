import Foundation
import SalesopsCore
import SalesopsJSON

/// Bitrix24's work-time responses (FORMATS §3.7a): `timeman.status` snapshots and `calendar.event.get`
/// user calendars.
extension BitrixRESTExtractor {
    /// A `timeman.status` result. Its user is the request's `USER_ID`, which the response does not
    /// carry: from the page wrapper (`{"USER_ID": "11", "result": {…}}`), else the first run of digits
    /// in the file name (`timeman_11_2026-11-20.json`).
    func workday(_ v: JSONValue, _ p: SourcePosition, page: [String: String], fileName: String) throws -> CRMRecord {
        guard case .object = v else { throw Bad(reason: "a record is not a JSON object") }
        guard let user = page["USER_ID"] ?? page["user_id"] ?? Self.firstNumber(in: fileName) else {
            throw Bad(reason: "no USER_ID: timeman.status does not name its user; save it in a wrapper "
                + "{\"USER_ID\": …, \"result\": …} or in the file name (timeman_<USER_ID>_<date>.json)")
        }
        let statusText = try required(v, "STATUS")
        guard let status = WorkdaySnapshot.Status(bitrix: statusText) else {
            throw Bad(reason: "STATUS is not OPENED, PAUSED, CLOSED or EXPIRED: '\(statusText)'")
        }
        let startText = try required(v, "TIME_START")
        guard let start = ISOTimestamp.parse(startText, clock: clock) else {
            throw Bad(reason: "TIME_START is not a date: '\(startText)'")
        }
        let offset = Self.offset(of: startText) ?? text(v, "TZ_OFFSET").flatMap { Int($0) } ?? clock.offset(atUTC: start)
        var breaks = 0
        if let leaks = text(v, "TIME_LEAKS") {
            guard let secs = Self.duration(leaks) else { throw Bad(reason: "TIME_LEAKS is not HH:MM:SS: '\(leaks)'") }
            breaks = secs
        }
        let finish = try time(v, "TIME_FINISH")
        if let finish, finish < start { throw Bad(reason: "TIME_FINISH is before TIME_START") }
        return .workday(WorkdaySnapshot(userID: user, status: status, start: start, startOffset: offset, finish: finish,
                                        breakSecs: breaks, position: p))
    }

    /// A user calendar's event with its occurrences up to the horizon, cut at local midnights. Times
    /// come from `DATE_FROM_TS_UTC`/`DATE_TO_TS_UTC` (the formatted ones are in the portal's locale);
    /// recurrences repeat on the event's own wall clock (`TZ_FROM`).
    func calendarEvent(_ v: JSONValue, _ p: SourcePosition) throws -> CRMRecord {
        guard case .object = v else { throw Bad(reason: "a record is not a JSON object") }
        let id = try required(v, "ID")
        if let type = text(v, "CAL_TYPE"), type != "user" {
            throw Skip(reason: "not a user calendar (CAL_TYPE \(type))")
        }
        if text(v, "MEETING_STATUS") == "N" { throw Skip(reason: "a meeting its calendar's owner declined") }
        let owner = try required(v, "OWNER_ID")
        func epoch(_ key: String) throws -> Int64 {
            let raw = try required(v, key)
            guard let value = Int64(raw) else { throw Bad(reason: "\(key) is not epoch seconds: '\(raw)'") }
            return value
        }
        let start = try epoch("DATE_FROM_TS_UTC")
        var end = try epoch("DATE_TO_TS_UTC")
        let zone = text(v, "TZ_FROM").flatMap { ZoneClock(identifier: $0) } ?? clock
        let allDay = flag(v, "DT_SKIP_TIME")
        let rule: Recurrence?
        do {
            rule = try Recurrence.parse(fields: Self.ruleFields(v["RRULE"]), exdates: text(v, "EXDATE") ?? "")
        } catch let error as RecurrenceError {
            throw Bad(reason: error.reason)
        }
        var segments: [CalendarSegment] = []
        if allDay {
            // The dates as written (`24.11.2026`, `11/24/2026`); the stamps of all-day events are midnights
            // of a zone the response does not always name.
            let first = text(v, "DATE_FROM").flatMap(Recurrence.localeDate) ?? zone.localDay(ofUTC: start)
            let last = max(first, text(v, "DATE_TO").flatMap(Recurrence.localeDate) ?? zone.localDay(ofUTC: max(start, end - 1)))
            let days = last - first
            for day in rule?.dates(first: first, horizon: horizon) ?? [first] {
                for d in day...(day + days) {
                    let midnight = zone.utc(fromLocal: Int64(d) * 86_400)
                    segments.append(CalendarSegment(day: d, startSecond: nil, endSecond: nil, occurrenceStart: midnight,
                                                    occurrenceEnd: zone.utc(fromLocal: Int64(d + 1) * 86_400)))
                }
            }
        } else {
            if end < start { throw Bad(reason: "DATE_TO_TS_UTC is before DATE_FROM_TS_UTC") }
            if end == start, let length = text(v, "DT_LENGTH").flatMap({ Int64($0) }) { end = start + length }
            let localStart = start + Int64(zone.offset(atUTC: start))
            let firstDay = Int(CivilTime.floorDiv(localStart, 86_400))
            let clockTime = localStart - Int64(firstDay) * 86_400
            let length = end - start
            for day in rule?.dates(first: firstDay, horizon: horizon) ?? [firstDay] {
                let from = day == firstDay ? start : zone.utc(fromLocal: Int64(day) * 86_400 + clockTime)
                segments += Self.cut(from: from, to: from + length, zone: zone)
            }
        }
        let location = text(v, "LOCATION") ?? ""
        let ruleText: String
        switch v["RRULE"] {
        case let .string(s)?: ruleText = s
        case .object?: ruleText = Self.ruleFields(v["RRULE"]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: ";")
        default: ruleText = ""
        }
        return .calendarEvent(CalendarEvent(
            id: id, ownerID: owner, name: text(v, "NAME") ?? "", allDay: allDay,
            accessibility: (text(v, "ACCESSIBILITY") ?? "busy").lowercased(), location: location,
            isMeeting: flag(v, "IS_MEETING"), deleted: flag(v, "DELETED"), rule: ruleText,
            crmBindings: (v["UF_CRM_CAL_EVENT"]?.array ?? []).compactMap(\.text), segments: segments, position: p))
    }

    /// An interval cut at the local midnights of `zone`.
    static func cut(from: Int64, to: Int64, zone: ZoneClock) -> [CalendarSegment] {
        var out: [CalendarSegment] = []
        var day = zone.localDay(ofUTC: from)
        repeat {
            let midnight = zone.utc(fromLocal: Int64(day) * 86_400)
            let next = zone.utc(fromLocal: Int64(day + 1) * 86_400)
            let a = max(from, midnight), b = min(to, next)
            if b > a || from == to {
                out.append(CalendarSegment(day: day, startSecond: Int(a - midnight), endSecond: Int(b - midnight),
                                           occurrenceStart: from, occurrenceEnd: to))
            }
            day += 1
        } while zone.utc(fromLocal: Int64(day) * 86_400) < to
        return out
    }

    /// The members of an `RRULE`: an object (`{"FREQ": "WEEKLY", "BYDAY": {"MO": "MO"}, "UNTIL": …}`)
    /// or a text `FREQ=WEEKLY;BYDAY=MO,WE`.
    static func ruleFields(_ value: JSONValue?) -> [String: String] {
        var out: [String: String] = [:]
        switch value {
        case let .string(text)?:
            for part in text.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { out[String(pair[0]).uppercased()] = String(pair[1]) }
            }
        case let .object(members)?:
            for (key, member) in members {
                switch member {
                case let .object(days): out[key.uppercased()] = days.compactMap { $0.1.text }.joined(separator: ",")
                case let .array(days): out[key.uppercased()] = days.compactMap(\.text).joined(separator: ",")
                default: if let text = member.text { out[key.uppercased()] = text }
                }
            }
        default: break
        }
        return out
    }

    /// The UTC offset written at the end of an ISO 8601 time (`+02:00`, `+0200`, `Z`), in seconds.
    static func offset(of text: String) -> Int? {
        let b = Array(text.utf8)
        guard b.count > 19 else { return nil }
        if b.last == UInt8(ascii: "Z") { return 0 }
        guard let sign = b.lastIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }), sign >= 19 else { return nil }
        let digits = b[(sign + 1)...].filter { $0 != UInt8(ascii: ":") }
        guard digits.count == 4, let hh = ByteParsing.digits(Array(digits), from: 0, count: 2),
              let mm = ByteParsing.digits(Array(digits), from: 2, count: 2) else { return nil }
        return (b[sign] == UInt8(ascii: "-") ? -1 : 1) * (hh * 3600 + mm * 60)
    }

    /// `HH:MM:SS` as seconds.
    static func duration(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 3, let h = Int(parts[0]), let m = Int(parts[1]), let s = Int(parts[2]), h >= 0, (0..<60).contains(m),
              (0..<60).contains(s) else { return nil }
        return h * 3600 + m * 60 + s
    }

    static func firstNumber(in name: String) -> String? {
        let digits = name.drop { !$0.isASCII || !$0.isNumber }.prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty ? nil : String(digits)
    }
}
