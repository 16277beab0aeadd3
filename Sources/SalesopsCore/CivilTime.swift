import Foundation

/// Calendar arithmetic on plain integers: no `DateFormatter`, no allocation on the hot path.
public enum CivilTime {
    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    @inlinable
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The (year, month, day) of a day number since 1970-01-01.
    @inlinable
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Day of week for a day number: 1 = Monday … 7 = Sunday (ISO 8601).
    @inlinable
    public static func isoWeekday(days: Int) -> Int {
        // 1970-01-01 was a Thursday (4).
        let w = (days + 3) % 7
        return (w < 0 ? w + 7 : w) + 1
    }

    /// `YYYY-MM-DD` for a day number (years 0…9999).
    public static func dateString(days: Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { out in
            writeDate(days: days, into: out.baseAddress!)
            return String(decoding: UnsafeBufferPointer(out), as: UTF8.self)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the epoch.
    public static func utcString(epoch: Int64) -> String {
        let secs = Int(epoch)
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = secs - days * 86_400
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { out in
            let p = out.baseAddress!
            writeDate(days: days, into: p)
            p[10] = UInt8(ascii: "T")
            write2(rem / 3600, p + 11)
            p[13] = UInt8(ascii: ":")
            write2(rem % 3600 / 60, p + 14)
            p[16] = UInt8(ascii: ":")
            write2(rem % 60, p + 17)
            p[19] = UInt8(ascii: "Z")
            return String(decoding: UnsafeBufferPointer(out), as: UTF8.self)
        }
    }

    private static func writeDate(days: Int, into p: UnsafeMutablePointer<UInt8>) {
        let (y, m, d) = civilFromDays(days)
        let year = min(max(y, 0), 9999)
        p[0] = UInt8(48 + year / 1000); p[1] = UInt8(48 + year / 100 % 10)
        p[2] = UInt8(48 + year / 10 % 10); p[3] = UInt8(48 + year % 10)
        p[4] = UInt8(ascii: "-")
        write2(m, p + 5)
        p[7] = UInt8(ascii: "-")
        write2(d, p + 8)
    }

    private static func write2(_ v: Int, _ p: UnsafeMutablePointer<UInt8>) {
        p[0] = UInt8(48 + v / 10)
        p[1] = UInt8(48 + v % 10)
    }

    /// Parses `YYYY-MM-DD` into a day number, or nil.
    public static func days(fromDateString text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...daysInMonth(year: y, month: m)).contains(d) else { return nil }
        return daysFromCivil(year: y, month: m, day: d)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SSZ` (as ``utcString(epoch:)`` writes it) into seconds since the epoch.
    public static func epoch(fromUTCString text: String) -> Int64? {
        guard text.count == 20, text.hasSuffix("Z"), let day = days(fromDateString: String(text.prefix(10))) else { return nil }
        let clock = text.dropFirst(11).prefix(8).split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, clock[0] < 24, clock[1] < 60, clock[2] < 61 else { return nil }
        return Int64(day) * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    /// Number of days in a month of a year.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Converts between a time zone's local wall time and UTC with a per-hour offset cache, so that a
/// million conversions cost a dictionary lookup each instead of a time-zone database query.
public final class ZoneClock: @unchecked Sendable {
    public let timeZone: TimeZone
    private var utcHourOffsets: [Int64: Int] = [:]
    private var localHourOffsets: [Int64: Int] = [:]

    /// Creates a clock for an IANA zone identifier such as `Europe/Moscow`; nil when unknown.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        timeZone = zone
    }

    /// UTC offset in seconds in force at a UTC instant.
    public func offset(atUTC epoch: Int64) -> Int {
        let hour = epoch >= 0 ? epoch / 3600 : (epoch - 3599) / 3600
        if let cached = utcHourOffsets[hour] { return cached }
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(epoch)))
        utcHourOffsets[hour] = offset
        return offset
    }

    /// The UTC instant of a local wall-clock time given as seconds since 1970-01-01 00:00 local.
    /// In a backward transition the earlier instant wins; in a gap the time is shifted forward.
    public func utc(fromLocal naive: Int64) -> Int64 {
        let hour = naive >= 0 ? naive / 3600 : (naive - 3599) / 3600
        if let cached = localHourOffsets[hour] { return naive - Int64(cached) }
        let first = offset(atUTC: naive)
        var utc = naive - Int64(first)
        let second = offset(atUTC: utc)
        if second != first { utc = naive - Int64(second) }
        localHourOffsets[hour] = Int(naive - utc)
        return utc
    }

    /// Day number (since 1970-01-01) of the local calendar date of a UTC instant.
    public func localDay(ofUTC epoch: Int64) -> Int {
        let local = epoch + Int64(offset(atUTC: epoch))
        return Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }

    /// `YYYY-MM-DD` of the local date of a UTC instant.
    public func localDateString(ofUTC epoch: Int64) -> String {
        CivilTime.dateString(days: localDay(ofUTC: epoch))
    }
}
