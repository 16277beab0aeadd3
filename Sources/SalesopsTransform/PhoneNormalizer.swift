import SalesopsCore

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
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        var plus = false
        var sawDigit = false
        for b in raw.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(b)
                sawDigit = true
            case UInt8(ascii: "+") where !sawDigit:
                plus = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."),
                 UInt8(ascii: "\t"), 0xC2, 0xA0:
                continue
            default:
                return .unknown
            }
        }
        let n = digits.count
        guard n > 0 else { return .unknown }
        func text(_ d: ArraySlice<UInt8>) -> String { String(decoding: d, as: UTF8.self) }
        if plus {
            return (8...15).contains(n) ? .e164("+" + text(digits[...])) : .unknown
        }
        if n <= maxExtensionDigits { return .extension(text(digits[...])) }
        if n > 11 && digits.starts(with: Array("810".utf8)) {
            let rest = digits.dropFirst(3)
            return (8...15).contains(rest.count) ? .e164("+" + text(rest)) : .unknown
        }
        if n > 11 && digits.starts(with: Array("00".utf8)) {
            let rest = digits.dropFirst(2)
            return (8...15).contains(rest.count) ? .e164("+" + text(rest)) : .unknown
        }
        if n == 11 && (digits[0] == UInt8(ascii: "8") || digits[0] == UInt8(ascii: "7")) {
            return .e164("+7" + text(digits.dropFirst()))
        }
        if n == 10 && [UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "8"), UInt8(ascii: "9")].contains(digits[0]) {
            return .e164("+7" + text(digits[...]))
        }
        if (5...7).contains(n) { return .local(text(digits[...])) }
        return .unknown
    }
}
