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
        undecodable = ([subject] + (from + recipients).map(\.name))
            .contains { $0.contains("\u{FFFD}") || $0.contains("=?") && $0.contains("?=") }
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
