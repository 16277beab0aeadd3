/// A `Content-Type` or `Content-Disposition` value: `type/subtype; name=value; …` with RFC 2231
/// extended parameters (`name*=charset'lang'%XX`, continuations `name*0`, `name*1*`, in any order).
public struct MediaType: Equatable, Sendable {
    /// The lower-cased type (`multipart/mixed`, `attachment`).
    public var value: String
    /// Parameters by lower-cased name; an extended (`*`) form wins over the plain one.
    public var parameters: [String: String]

    /// Parses a header value; nil when it is malformed (RFC 2045/2231 grammar, as Go's `mime` reads it).
    /// Raw 8-bit bytes in values are read with `fallback`; RFC 2047 words inside values are left to the caller.
    public static func parse(_ text: [UInt8], fallback: MailCharset = .unknown) -> MediaType? {
        var p = Parser(bytes: text)
        p.skipSpace()
        var value = p.token()
        guard !value.isEmpty else { return nil }
        if p.peek == UInt8(ascii: "/") {
            p.index += 1
            let sub = p.token()
            guard !sub.isEmpty else { return nil }
            value += [UInt8(ascii: "/")] + sub
        }
        p.skipSpace()
        var plain: [String: String] = [:]
        // Extended sections: name → section number → (raw bytes, percent-encoded?)
        var sections: [String: [Int: (bytes: [UInt8], encoded: Bool)]] = [:]
        var extended: [String: String] = [:]
        var seen = Set<String>()
        while !p.atEnd {
            guard p.peek == UInt8(ascii: ";") else { return nil }
            p.index += 1
            p.skipSpace()
            if p.atEnd { break }                            // a trailing `;`
            let name = String(decoding: p.token(), as: UTF8.self).lowercased()
            guard !name.isEmpty else { return nil }
            p.skipSpace()
            guard p.peek == UInt8(ascii: "=") else { return nil }
            p.index += 1
            p.skipSpace()
            let raw: [UInt8]
            if p.peek == UInt8(ascii: "\"") {
                guard let quoted = p.quoted() else { return nil }
                raw = quoted
            } else {
                raw = p.token()
                guard !raw.isEmpty else { return nil }
            }
            p.skipSpace()
            guard seen.insert(name).inserted else { return nil }   // a parameter given twice
            guard let star = name.firstIndex(of: "*") else {
                plain[name] = fallback.decode(raw)
                continue
            }
            let base = String(name[..<star])
            let rest = name[name.index(after: star)...]
            if rest.isEmpty {
                // name*=charset'lang'%XX
                if let decoded = Self.decodeExtended(raw) { extended[base] = decoded }
                continue
            }
            var digits = rest
            let encoded = digits.hasSuffix("*")
            if encoded { digits.removeLast() }
            // A section number has no leading zero (`*01` is not section 1).
            guard let n = Int(digits), digits.allSatisfy(\.isASCII), digits == "0" || !digits.hasPrefix("0") else { continue }
            sections[base, default: [:]][n] = (raw, encoded)
        }
        var parameters = plain
        for (base, parts) in sections {
            guard parts[0] != nil else { continue }   // no section 0: no parameter
            var charset: MailCharset = fallback
            var bytes: [UInt8] = []
            var section = 0
            while let part = parts[section] {
                if part.encoded {
                    var payload = part.bytes[...]
                    if section == 0 {
                        let pieces = payload.split(separator: UInt8(ascii: "'"), maxSplits: 2, omittingEmptySubsequences: false)
                        guard pieces.count == 3 else { break }
                        charset = MailCharset(label: String(decoding: pieces[0], as: UTF8.self)) ?? fallback
                        payload = pieces[2]
                    }
                    guard let decoded = Self.percentDecode(payload) else { break }
                    bytes += decoded
                } else {
                    bytes += part.bytes
                }
                section += 1
            }
            parameters[base] = charset.decode(bytes)
        }
        for (name, value) in extended { parameters[name] = value }
        return MediaType(value: String(decoding: value, as: UTF8.self).lowercased(), parameters: parameters)
    }

    public static func parse(_ text: String, fallback: MailCharset = .unknown) -> MediaType? {
        parse(Array(text.utf8), fallback: fallback)
    }

    /// `charset'lang'%XX…`; nil when malformed or of an unknown charset.
    static func decodeExtended(_ raw: [UInt8]) -> String? {
        let pieces = raw.split(separator: UInt8(ascii: "'"), maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3, let charset = MailCharset(label: String(decoding: pieces[0], as: UTF8.self)),
              let bytes = percentDecode(pieces[2]) else { return nil }
        return charset.decode(bytes)
    }

    static func percentDecode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == UInt8(ascii: "%") {
                guard i + 2 < text.endIndex, let h = Hex.value(text[i + 1]), let l = Hex.value(text[i + 2]) else { return nil }
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// RFC 2045 tokens and quoted strings over bytes.
    struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let b = peek, b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A { index += 1 }
        }

        /// A token: any byte but space, controls and tspecials (`()<>@,;:\"/[]?=`); 8-bit bytes are
        /// accepted (raw file names are common).
        mutating func token() -> [UInt8] {
            let start = index
            while let b = peek, b > 0x20, b != 0x7F, !Self.isSpecial(b) { index += 1 }
            return Array(bytes[start..<index])
        }

        static func isSpecial(_ b: UInt8) -> Bool {
            switch b {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"),
                 UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""),
                 UInt8(ascii: "/"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "?"), UInt8(ascii: "="):
                return true
            default:
                return false
            }
        }

        /// A quoted string, backslash escapes undone; nil when unterminated.
        mutating func quoted() -> [UInt8]? {
            index += 1
            var out: [UInt8] = []
            while let b = peek {
                index += 1
                if b == UInt8(ascii: "\"") { return out }
                if b == UInt8(ascii: "\\") {
                    guard let next = peek else { return nil }
                    out.append(next)
                    index += 1
                } else {
                    out.append(b)
                }
            }
            return nil
        }
    }
}
