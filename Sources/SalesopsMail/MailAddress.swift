import SalesopsCore

extension MailboxAddress {
    /// Parses an address list (`From`, `To`, `Cc`, …): quoted, RFC 2047-encoded or raw 8-bit display
    /// names, comments, groups (`team: a@b.ru, c@d.ru;`), bare addresses. Entries without a valid
    /// address (`undisclosed-recipients:;`) are left out.
    public static func parseList(_ value: [UInt8]) -> [MailboxAddress] {
        var result: [MailboxAddress] = []
        var phrase: [UInt8] = []
        var comment: [UInt8] = []
        var angle: [UInt8]?
        var i = 0
        func flush() {
            defer { phrase.removeAll(); comment.removeAll(); angle = nil }
            let spec = angle ?? phrase.filter { $0 != 0x20 && $0 != 0x09 }
            guard let address = normalized(spec) else { return }
            let nameBytes = angle != nil ? phrase : comment
            var name = EncodedWords.decodeHeader(nameBytes)
            name = name.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            if name.count >= 2 && name.hasPrefix("'") && name.hasSuffix("'") { name = String(name.dropFirst().dropLast()) }
            result.append(MailboxAddress(name: name, address: address))
        }
        while i < value.count {
            let b = value[i]
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                while i < value.count && value[i] != UInt8(ascii: "\"") {
                    if value[i] == UInt8(ascii: "\\") && i + 1 < value.count { i += 1 }
                    phrase.append(value[i])
                    i += 1
                }
            case UInt8(ascii: "("):
                var depth = 1
                i += 1
                while i < value.count && depth > 0 {
                    if value[i] == UInt8(ascii: "\\") && i + 1 < value.count { i += 1 }
                    else if value[i] == UInt8(ascii: "(") { depth += 1 }
                    else if value[i] == UInt8(ascii: ")") { depth -= 1; if depth == 0 { break } }
                    comment.append(value[i])
                    i += 1
                }
            case UInt8(ascii: "<"):
                var inside: [UInt8] = []
                i += 1
                while i < value.count && value[i] != UInt8(ascii: ">") {
                    inside.append(value[i])
                    i += 1
                }
                angle = inside
            case UInt8(ascii: ","), UInt8(ascii: ";"):
                flush()
            case UInt8(ascii: ":") where angle == nil && !phrase.contains(UInt8(ascii: "@")):
                phrase.removeAll()   // a group's name
                comment.removeAll()
            default:
                if angle == nil { phrase.append(b) }
            }
            i += 1
        }
        flush()
        return result
    }

    /// `local@domain`, lower-cased, with a source route (`@a,@b:`) and surrounding space removed; nil
    /// when it is not an address.
    static func normalized(_ spec: [UInt8]) -> String? {
        var bytes = spec.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }
        if let colon = bytes.lastIndex(of: UInt8(ascii: ":")), bytes.first == UInt8(ascii: "@") {
            bytes.removeSubrange(...colon)
        }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1,
              bytes.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).lowercased()
        guard !text.contains("..") || text.hasPrefix("\"") else { return nil }
        return text
    }
}
