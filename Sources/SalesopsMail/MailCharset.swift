import SalesopsCore

/// A charset named by mail (a MIME `charset=` parameter or an RFC 2047 word), with the aliases and
/// the mislabels met in Russian mail (FORMATS.md §2.7).
public enum MailCharset: Equatable, Sendable {
    case utf8
    case singleByte(SingleByteCodePage)
    /// No usable label (`unknown-8bit`, `x-unknown`, none): UTF-8 when the bytes are valid UTF-8,
    /// else windows-1251 or koi8-r, whichever reads as Russian.
    case unknown

    /// The charset for a label (any case, surrounding space and quotes ignored); nil when the label
    /// names a charset this reader does not decode.
    public init?(label: String) {
        var name = label.lowercased()
        name.removeAll { $0 == " " || $0 == "\"" || $0 == "\t" }
        switch name {
        case "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "cp65001":
            self = .utf8
        case "windows-1251", "cp1251", "win-1251", "x-cp1251", "cp-1251", "windows1251", "win1251", "1251":
            self = .singleByte(.windows1251)
        case "koi8-r", "koi8r", "koi8", "cskoi8r":
            self = .singleByte(.koi8r)
        case "koi8-u", "koi8u":
            self = .singleByte(.koi8u)
        case "iso-8859-5", "iso8859-5", "iso_8859-5", "iso_8859-5:1988", "cyrillic", "csisolatincyrillic":
            self = .singleByte(.iso88595)
        case "cp866", "ibm866", "866", "csibm866", "x-cp866", "dos-866", "cp-866":
            self = .singleByte(.cp866)
        case "x-mac-cyrillic", "maccyrillic", "mac-cyrillic", "x-mac-ukrainian", "cp10007", "windows-10007":
            self = .singleByte(.macCyrillic)
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "cp819", "ibm819":
            self = .singleByte(.latin1)
        case "windows-1252", "cp1252", "x-cp1252":
            self = .singleByte(.windows1252)
        case "iso-8859-15", "iso8859-15", "iso_8859-15", "latin-9", "latin9":
            self = .singleByte(.iso885915)
        // Labels that promise nothing, and Outlook's habit of naming a Korean code page for 8-bit text.
        case "", "unknown-8bit", "x-unknown", "unknown", "x-user-defined", "default", "8bit", "ks_c_5601-1987":
            self = .unknown
        default:
            return nil
        }
    }

    /// Decodes bytes in this charset; never fails (invalid bytes become U+FFFD). windows-1251 and
    /// koi8-r labels are checked against each other: a mail labelled with one but written in the other
    /// is read in the other.
    public func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if TextDecoding.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        switch self {
        case .utf8:
            if TextDecoding.isValidUTF8(bytes) { return String(decoding: bytes, as: UTF8.self) }
            return TextDecoding.decode(bytes, codePage: Self.russianReading(bytes, declared: nil))
        case let .singleByte(page) where page == .windows1251 || page == .koi8r:
            return TextDecoding.decode(bytes, codePage: Self.russianReading(bytes, declared: page))
        case let .singleByte(page):
            return TextDecoding.decode(bytes, codePage: page)
        case .unknown:
            if TextDecoding.isValidUTF8(bytes) { return String(decoding: bytes, as: UTF8.self) }
            return TextDecoding.decode(bytes, codePage: Self.russianReading(bytes, declared: nil))
        }
    }

    public func decode(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer { decode($0) } }

    /// windows-1251 or koi8-r for 8-bit Cyrillic bytes. The two code pages put upper- and lower-case
    /// letters in swapped halves, so the wrong one reads "кОММЕРЧЕСКОЕ": the reading with more
    /// Capitalised words than case-inverted ones wins; on a tie, the one with the more Russian share
    /// of vowels; on a tie again, the declared one (windows-1251 without a declaration).
    static func russianReading(_ bytes: UnsafeBufferPointer<UInt8>, declared: SingleByteCodePage?) -> SingleByteCodePage {
        let a = score(bytes, .windows1251)
        let b = score(bytes, .koi8r)
        let fallback = declared ?? .windows1251
        if a.casePattern != b.casePattern { return a.casePattern > b.casePattern ? .windows1251 : .koi8r }
        guard a.letters >= 4 else { return fallback }
        // Vowel shares in per mille; Russian text has about 420, a wrong reading far fewer or more.
        let da = abs(a.vowels * 1000 / a.letters - 420), db = abs(b.vowels * 1000 / max(b.letters, 1) - 420)
        if abs(da - db) < 60 { return fallback }
        return da < db ? .windows1251 : .koi8r
    }

    struct Reading { var casePattern = 0, letters = 0, vowels = 0 }

    static func score(_ bytes: UnsafeBufferPointer<UInt8>, _ page: SingleByteCodePage) -> Reading {
        let table = page.upperHalf
        var r = Reading()
        var wordLength = 0, firstUpper = false, laterUpper = false, laterLower = false
        func endWord() {
            if wordLength >= 2 {
                if firstUpper && laterLower && !laterUpper { r.casePattern += 1 }   // Привет
                if !firstUpper && laterUpper { r.casePattern -= 1 }                 // пРИВЕТ
            }
            wordLength = 0; firstUpper = false; laterUpper = false; laterLower = false
        }
        for byte in bytes {
            let scalar: UInt16 = byte < 0x80 ? UInt16(byte) : table[Int(byte) - 0x80]
            let isUpper = (0x0410...0x042F).contains(scalar) || scalar == 0x0401
            let isLower = (0x0430...0x044F).contains(scalar) || scalar == 0x0451
            guard isUpper || isLower else { endWord(); continue }
            r.letters += 1
            let lower = isUpper ? scalar + 0x20 : scalar
            // а е ё и о у ы э ю я
            if [0x0430, 0x0435, 0x0451, 0x0438, 0x043E, 0x0443, 0x044B, 0x044D, 0x044E, 0x044F].contains(lower)
                || (isUpper && scalar == 0x0401) { r.vowels += 1 }
            if wordLength == 0 { firstUpper = isUpper } else if isUpper { laterUpper = true } else { laterLower = true }
            wordLength += 1
        }
        endWord()
        return r
    }
}
