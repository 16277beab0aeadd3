/// Parsing of numbers and timestamps straight from bytes, for the hot path of extractors.
public enum ByteParsing {
    /// The number written by exactly `count` ASCII digits at `from`; nil when any is not a digit or
    /// the bytes end first.
    public static func digits(_ b: [UInt8], from: Int, count: Int) -> Int? {
        guard from >= 0, from + count <= b.count else { return nil }
        var v = 0
        for i in from..<(from + count) {
            guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
            v = v * 10 + Int(b[i] - 0x30)
        }
        return v
    }

    /// A signed decimal integer with optional surrounding spaces; nil when not a whole number.
    /// A fractional part of zeros only (`12.000`) is accepted; other fractions are rounded down.
    @inlinable
    public static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0, end = bytes.count
        while i < end && bytes[i] == 0x20 { i += 1 }
        while end > i && bytes[end - 1] == 0x20 { end -= 1 }
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if bytes[i] == UInt8(ascii: "+") { i += 1 }
        guard i < end else { return nil }
        var value = 0
        var digits = 0
        while i < end {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 {
                value = value &* 10 &+ Int(c - 0x30)
                digits += 1
                if digits > 15 { return nil }
            } else if c == UInt8(ascii: ".") || c == UInt8(ascii: ",") {
                i += 1
                while i < end { guard bytes[i] >= 0x30 && bytes[i] <= 0x39 else { return nil }; i += 1 }
                break
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }
}

/// A compiled timestamp pattern such as `yyyy-MM-dd HH:mm:ss` or `dd.MM.yyyy HH:mm:ss`, parsed from
/// bytes into seconds since 1970-01-01 of the wall clock (no zone applied).
public struct TimestampPattern: Sendable, Equatable {
    enum Token: Sendable, Equatable {
        case year, month, day, hour, minute, second
        case literal(UInt8)
    }

    let tokens: [Token]
    public let text: String
    /// `yyyy-MM-dd HH:mm:ss`, parsed by a fixed-position fast path.
    let isISO: Bool

    /// The fast path for exactly 19 bytes `YYYY-MM-DD HH:MM:SS`.
    static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        @inline(__always) func d(_ i: Int) -> Int { Int(b[i]) &- 48 }
        for i in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] where b[i] < 48 || b[i] > 57 { return nil }
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: " "),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return nil }
        let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)
        let month = d(5) * 10 + d(6), day = d(8) * 10 + d(9)
        let hour = d(11) * 10 + d(12), minute = d(14) * 10 + d(15), second = d(17) * 10 + d(18)
        guard year >= 1970, (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 61 else { return nil }
        return Int64(CivilTime.daysFromCivil(year: year, month: month, day: day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The Asterisk / FreePBX / ISO layout `yyyy-MM-dd HH:mm:ss`.
    public static let iso = TimestampPattern("yyyy-MM-dd HH:mm:ss")

    /// Compiles a pattern made of `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss` and literal ASCII characters.
    public init(_ pattern: String) {
        text = pattern
        var tokens: [Token] = []
        let bytes = Array(pattern.utf8)
        var i = 0
        func starts(_ s: String) -> Bool {
            let t = Array(s.utf8)
            return i + t.count <= bytes.count && Array(bytes[i..<i + t.count]) == t
        }
        while i < bytes.count {
            if starts("yyyy") { tokens.append(.year); i += 4 }
            else if starts("MM") { tokens.append(.month); i += 2 }
            else if starts("dd") { tokens.append(.day); i += 2 }
            else if starts("HH") { tokens.append(.hour); i += 2 }
            else if starts("mm") { tokens.append(.minute); i += 2 }
            else if starts("ss") { tokens.append(.second); i += 2 }
            else { tokens.append(.literal(bytes[i])); i += 1 }
        }
        self.tokens = tokens
        isISO = pattern == "yyyy-MM-dd HH:mm:ss"
    }

    /// Wall-clock seconds since 1970-01-01 00:00, or nil when the bytes do not match or name an
    /// impossible date or time. Day, month and hour may be written with one digit; a missing
    /// seconds part at the end reads as 0.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        if isISO && bytes.count == 19 { return Self.parseISO(bytes) }
        var i = 0
        var end = bytes.count
        while i < end && bytes[i] == 0x20 { i += 1 }
        while end > i && bytes[end - 1] == 0x20 { end -= 1 }
        var year = -1, month = -1, day = -1, hour = 0, minute = 0, second = 0
        for (index, token) in tokens.enumerated() {
            if case let .literal(c) = token {
                if i == end && tokens[index...].allSatisfy({ $0 == .second || $0 == .literal(UInt8(ascii: ":")) }) {
                    break
                }
                guard i < end && bytes[i] == c else { return nil }
                i += 1
                continue
            }
            let maxDigits = token == .year ? 4 : 2
            let minDigits = token == .year ? 4 : 1
            var value = 0, n = 0
            while n < maxDigits && i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39 {
                value = value * 10 + Int(bytes[i] - 0x30)
                i += 1
                n += 1
            }
            guard n >= minDigits else { return nil }
            switch token {
            case .year: year = value
            case .month: month = value
            case .day: day = value
            case .hour: hour = value
            case .minute: minute = value
            case .second: second = value
            case .literal: break
            }
        }
        guard i == end, year >= 1970, (1...12).contains(month), day >= 1,
              day <= CivilTime.daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 61 else { return nil }
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }
}
