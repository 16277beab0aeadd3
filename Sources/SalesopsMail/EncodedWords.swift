/// RFC 2047 encoded-words (`=?charset?B|Q?text?=`) in header values, with the real-world breakage of
/// FORMATS.md §2.5 tolerated.
public enum EncodedWords {
    /// One decoded word: its charset and bytes.
    struct Word {
        var charset: MailCharset
        var label: String
        var bytes: [UInt8]
        /// Index just after the word's `?=`.
        var end: Int
    }

    /// Decodes a header value: encoded words are decoded, whitespace between two adjacent encoded
    /// words is dropped, adjacent words of one charset are decoded as one byte string (a character
    /// split across words survives), and invalid or unknown words stay as written. Bytes outside words
    /// are UTF-8 when valid, else `fallback` (raw 8-bit headers).
    public static func decodeHeader(_ value: [UInt8], fallback: MailCharset = .unknown) -> String {
        var out = ""
        var i = 0
        var plainStart = 0
        var pending: Word?          // consecutive words of one charset, not yet decoded
        var afterWord = false       // only whitespace since the last word
        func flushPlain(upTo end: Int) {
            guard plainStart < end else { return }
            out += value[plainStart..<end].withUnsafeBufferPointer { fallback.decode($0) }
        }
        func flushPending() {
            if let word = pending { out += word.charset.decode(word.bytes) }
            pending = nil
        }
        while i < value.count {
            if value[i] == UInt8(ascii: "="), i + 1 < value.count, value[i + 1] == UInt8(ascii: "?"),
               let word = parseWord(value, at: i) {
                if afterWord {
                    // Whitespace between two encoded words is dropped.
                    plainStart = i
                } else {
                    flushPending()
                    flushPlain(upTo: i)
                }
                if let p = pending, p.label == word.label {
                    pending!.bytes += word.bytes
                } else {
                    flushPending()
                    pending = word
                }
                i = word.end
                plainStart = i
                afterWord = true
                continue
            }
            let b = value[i]
            if !(b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A) && afterWord {
                afterWord = false
                flushPending()
            }
            i += 1
        }
        flushPending()
        if !afterWord || pending != nil { flushPlain(upTo: value.count) } else { flushPlain(upTo: value.count) }
        return out
    }

    public static func decodeHeader(_ value: String, fallback: MailCharset = .unknown) -> String {
        decodeHeader(Array(value.utf8), fallback: fallback)
    }

    /// Decodes one encoded word (the whole string must be one); nil when it is not a valid one.
    public static func decodeWord(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let word = parseWord(bytes, at: 0), word.end == bytes.count else { return nil }
        return word.charset.decode(word.bytes)
    }

    /// Parses the word starting at `start` (`=?`); nil when malformed, of an unknown charset or encoding.
    static func parseWord(_ v: [UInt8], at start: Int) -> Word? {
        var i = start + 2
        let charsetStart = i
        while i < v.count, v[i] != UInt8(ascii: "?") {
            if v[i] <= 0x20 || v[i] >= 0x7F { return nil }
            i += 1
        }
        guard i + 3 < v.count, i > charsetStart else { return nil }
        var label = String(decoding: v[charsetStart..<i], as: UTF8.self)
        if let star = label.firstIndex(of: "*") { label = String(label[..<star]) }   // RFC 2231 language
        guard let charset = MailCharset(label: label) else { return nil }
        let encoding = v[i + 1] | 0x20
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q"), v[i + 2] == UInt8(ascii: "?") else { return nil }
        let textStart = i + 3
        var j = textStart
        while j + 1 < v.count, !(v[j] == UInt8(ascii: "?") && v[j + 1] == UInt8(ascii: "=")) {
            if v[j] == 0x20 || v[j] == 0x09 || v[j] == 0x0D || v[j] == 0x0A { return nil }
            j += 1
        }
        guard j + 1 < v.count else { return nil }
        let text = v[textStart..<j]
        let bytes = encoding == UInt8(ascii: "b") ? Base64.decode(text) : decodeQ(text)
        guard let bytes else { return nil }
        return Word(charset: charset, label: label.lowercased(), bytes: bytes, end: j + 2)
    }

    /// The Q encoding: `_` is a space, `=XX` a byte; nil on a broken `=`.
    static func decodeQ(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = text.startIndex
        while i < text.endIndex {
            let b = text[i]
            if b == UInt8(ascii: "_") {
                out.append(0x20)
            } else if b == UInt8(ascii: "=") {
                guard i + 2 < text.endIndex, let h = Hex.value(text[i + 1]), let l = Hex.value(text[i + 2]) else { return nil }
                out.append(h << 4 | l)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }
}

enum Hex {
    static func value(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Base64 as mail uses it: line breaks and spaces skipped, padding optional; nil on other bytes.
public enum Base64 {
    static let table: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    public static func decode<C: Collection>(_ text: C) -> [UInt8]? where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var acc: UInt32 = 0, bits = 0
        var padding = false
        for c in text {
            if c == UInt8(ascii: "=") { padding = true; continue }
            if c == 0x0D || c == 0x0A || c == 0x20 || c == 0x09 { continue }
            let v = table[Int(c)]
            guard v >= 0, !padding else { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        return out
    }
}
