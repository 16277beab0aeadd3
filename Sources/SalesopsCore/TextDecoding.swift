/// Decodes input bytes to `String` per field, never trusting the bytes.
public enum TextDecoding {
    /// Decodes bytes with a single-byte code page.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, codePage: SingleByteCodePage) -> String {
        var allASCII = true
        for b in bytes where b >= 0x80 { allASCII = false; break }
        if allASCII { return String(decoding: bytes, as: UTF8.self) }
        let table = codePage.upperHalf
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for b in bytes {
            let value = b < 0x80 ? UInt32(b) : UInt32(table[Int(b) - 0x80])
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    /// Whether the bytes are valid UTF-8.
    public static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// UTF-8 when the bytes are valid UTF-8, else the fallback code page (windows-1251 by default):
    /// the rule for fields such as Asterisk's clid that carry whatever bytes a trunk sent.
    public static func decodeLenient(_ bytes: UnsafeBufferPointer<UInt8>,
                                     fallback: SingleByteCodePage = .windows1251) -> String {
        if isASCII(bytes) || isValidUTF8(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return decode(bytes, codePage: fallback)
    }

    /// Whether every byte is ASCII (the common case, checked eight bytes at a time).
    @inlinable
    public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var i = 0
        let n = bytes.count
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if base[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// Decodes with a configured encoding name.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, encoding: TextEncodingName) -> String {
        switch encoding {
        case .auto: return decodeLenient(bytes)
        case .utf8: return String(decoding: bytes, as: UTF8.self)
        case .windows1251: return decode(bytes, codePage: .windows1251)
        case .koi8r: return decode(bytes, codePage: .koi8r)
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and non-breaking spaces.
    public var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{00A0}" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
