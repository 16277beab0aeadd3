import SalesopsCore

/// The facts salesops reads from a message's top-level headers, decoded.
public struct MailHeaders: Equatable, Sendable {
    /// `Message-ID` without angle brackets; nil when absent or empty.
    public var messageID: String?
    /// `Date` in seconds since the epoch (UTC); nil when absent or unreadable.
    public var date: Int64?
    /// The `Date` field as written, when present (to tell an unreadable date from a missing one).
    public var dateText: String?
    public var from: [MailboxAddress]
    /// `To`, `Cc` and `Bcc`, in that order.
    public var recipients: [MailboxAddress]
    public var subject: String
    /// Thread: Gmail's `X-GM-THRID`, else the first of `References`, else `In-Reply-To` (ids without brackets).
    public var threadRoot: String?
    /// Gmail labels (`X-Gmail-Labels`), decoded.
    public var labels: [String]
    /// Thunderbird's `X-Mozilla-Status` has the expunged flag (0x0008): deleted but not compacted.
    public var deleted: Bool
    /// A field's value could not be decoded cleanly (an unknown charset or invalid bytes).
    public var undecodable: Bool

    public init(_ headers: HeaderBlock) {
        func text(_ name: String) -> String? { headers.first(name).map { EncodedWords.decodeHeader($0) } }
        messageID = headers.first("message-id").flatMap(Self.firstID)
        dateText = text("date").map(\.trimmingSpaces)
        date = dateText.flatMap(MailDate.parse)
        from = headers.first("from").map(MailboxAddress.parseList) ?? []
        recipients = ["to", "cc", "bcc"].flatMap { headers.all($0).flatMap(MailboxAddress.parseList) }
        subject = text("subject").map(Self.collapse) ?? ""
        if let thread = headers.first("x-gm-thrid").map({ String(decoding: $0, as: UTF8.self) })?
            .trimmingSpaces, !thread.isEmpty {
            threadRoot = "gm:" + thread
        } else {
            threadRoot = headers.first("references").flatMap(Self.firstID) ?? headers.first("in-reply-to").flatMap(Self.firstID)
        }
        labels = text("x-gmail-labels").map { $0.split(separator: ",").map { String($0).trimmingSpaces } } ?? []
        if let status = headers.first("x-mozilla-status").map({ String(decoding: $0, as: UTF8.self).trimmingSpaces }),
           let flags = UInt32(status, radix: 16) {
            deleted = flags & 0x0008 != 0
        } else {
            deleted = false
        }
        // The decoded subject and display names: a replacement character or a word left as written.
        undecodable = Self.looksUndecoded(subject) || (from + recipients).contains { Self.looksUndecoded($0.name) }
    }

    /// Whether decoded text holds a replacement character, or both `=?` and `?=` (an encoded word left
    /// as written): a scan of its UTF-8, not Foundation's `contains`, which runs a locale-aware search
    /// per call (a fifth of a large mailbox's header time).
    static func looksUndecoded(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= 2 else { return false }
            var opens = false, closes = false
            for i in 0..<(bytes.count - 1) {
                let (b, next) = (bytes[i], bytes[i + 1])
                // U+FFFD is EF BF BD.
                if b == 0xEF, next == 0xBF, i + 2 < bytes.count, bytes[i + 2] == 0xBD { return true }
                if b == UInt8(ascii: "="), next == UInt8(ascii: "?") { opens = true }
                if b == UInt8(ascii: "?"), next == UInt8(ascii: "=") { closes = true }
                if opens && closes { return true }
            }
            return false
        }
    }

    /// The first `<id>` of a field (or the whole value when it has no brackets).
    static func firstID(_ value: [UInt8]) -> String? {
        let text = String(decoding: value, as: UTF8.self)
        if let open = text.firstIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            let id = text[text.index(after: open)..<close].trimmingSpaces
            return id.isEmpty ? nil : id
        }
        let id = text.trimmingSpaces
        return id.isEmpty || id.contains(" ") ? nil : id
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }).joined(separator: " ")
    }
}
