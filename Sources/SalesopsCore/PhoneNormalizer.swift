/// What a phone-like string turned out to be.
public enum PhoneNumber: Sendable, Equatable {
    /// A full number in E.164 (`+74951234567`).
    case e164(String)
    /// An internal extension (at most the configured number of digits).
    case `extension`(String)
    /// A local city number without an area code (5 to 7 digits): kept raw, flagged.
    case local(String)
    /// Not a number (`s`, `anonymous`, empty) or not normalisable.
    case unknown

    /// The E.164 text when this is a full number.
    public var e164: String? {
        if case let .e164(text) = self { return text }
        return nil
    }
}

/// Normalises Russian phone numbers to E.164 (rules in FORMATS.md §1.11): strip punctuation;
/// 11 digits starting 8 or 7 → +7 and the last 10; 10 digits starting 3, 4, 8 or 9 → +7; a leading
/// 810 or 00 is the international prefix; a leading + is kept; at most `maxExtensionDigits` digits is an
/// extension; 5 to 7 digits is a local number. 8 is never a country code.
public struct PhoneNormalizer: Sendable {
    public let maxExtensionDigits: Int

    public init(maxExtensionDigits: Int = 4) {
        self.maxExtensionDigits = maxExtensionDigits
    }

    public func normalize(_ raw: String) -> PhoneNumber {
        var raw = raw
        return raw.withUTF8(normalize(utf8:))
    }

    /// Normalises the UTF-8 bytes of a number; no allocation but the result's text (small numbers
    /// fit in a `String` without one).
    public func normalize(utf8 raw: UnsafeBufferPointer<UInt8>) -> PhoneNumber {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer -> PhoneNumber in
            // buffer[0...1] is room for "+7"; the digits go from buffer[2].
            var n = 0
            var plus = false
            for b in raw {
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard n < 18 else { return .unknown }   // longer than any number below
                    buffer[2 + n] = b
                    n += 1
                case UInt8(ascii: "+") where n == 0:
                    plus = true
                case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."),
                     UInt8(ascii: "\t"), 0xC2, 0xA0:
                    continue
                default:
                    return .unknown
                }
            }
            guard n > 0 else { return .unknown }
            func digit(_ i: Int) -> UInt8 { buffer[2 + i] }
            /// The digits from `from` as text, after `prefix` (written into the room before them).
            func text(from: Int, prefix: String) -> String {
                var start = 2 + from
                for b in prefix.utf8.reversed() {
                    start -= 1
                    buffer[start] = b
                }
                return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<(2 + n)]), as: UTF8.self)
            }
            if plus {
                return (8...15).contains(n) ? .e164(text(from: 0, prefix: "+")) : .unknown
            }
            if n <= maxExtensionDigits { return .extension(text(from: 0, prefix: "")) }
            if n > 11 && digit(0) == UInt8(ascii: "8") && digit(1) == UInt8(ascii: "1") && digit(2) == UInt8(ascii: "0") {
                return (8...15).contains(n - 3) ? .e164(text(from: 3, prefix: "+")) : .unknown
            }
            if n > 11 && digit(0) == UInt8(ascii: "0") && digit(1) == UInt8(ascii: "0") {
                return (8...15).contains(n - 2) ? .e164(text(from: 2, prefix: "+")) : .unknown
            }
            if n == 11 && (digit(0) == UInt8(ascii: "8") || digit(0) == UInt8(ascii: "7")) {
                return .e164(text(from: 1, prefix: "+7"))
            }
            if n == 10 && (digit(0) == UInt8(ascii: "3") || digit(0) == UInt8(ascii: "4")
                           || digit(0) == UInt8(ascii: "8") || digit(0) == UInt8(ascii: "9")) {
                return .e164(text(from: 0, prefix: "+7"))
            }
            if (5...7).contains(n) { return .local(text(from: 0, prefix: "")) }
            return .unknown
        }
    }
}
