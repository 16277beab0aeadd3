import SalesopsCore
import SalesopsMail

/// Reads mailbox exports: `mbox` files (mboxo, mboxrd, Google Takeout, Thunderbird) or single `.eml`
/// messages. Thunderbird's deleted-but-not-compacted messages and Takeout's chat pseudo-messages are
/// filtered; a message without a sender address or a date is rejected.
public struct MailboxExtractor: MailExtractor {
    public enum Format: String { case mbox, eml }

    public let sourceName: String
    public let format: Format

    public init(sourceName: String, format: Format) {
        self.sourceName = sourceName
        self.format = format
    }

    public func extract(path: String, displayPath: String, into sink: MailSink) throws -> ExtractResult {
        var rows = 0
        var end: Int64 = 0
        func take(_ raw: RawMessage) throws {
            rows += 1
            try handle(raw, displayPath: displayPath, into: sink)
        }
        do {
            switch format {
            case .mbox: end = try MboxReader.read(path: path, take)
            case .eml:
                let (message, bytes) = try MboxReader.readEML(path: path)
                end = bytes
                try take(message)
            }
        } catch let error as MailReadError {
            throw SalesopsError(.input, "cannot read \(displayPath)", cause: error.message)
        }
        // Mail files are read whole; the end of the file is recorded like any fully read file's.
        return ExtractResult(rows: rows, resume: ResumePoint(offset: end, line: 0))
    }

    func handle(_ raw: RawMessage, displayPath: String, into sink: MailSink) throws {
        let position = SourcePosition(file: displayPath, line: raw.line)
        let headers = MailHeaders(raw.scanned.headers)
        if headers.deleted { return sink.filter(reason: "deleted", at: position) }
        if headers.labels.contains("Chat") { return sink.filter(reason: "chat", at: position) }
        func reject(_ reason: String) {
            let summary = raw.separator.isEmpty ? "message at byte \(raw.offset)" : raw.separator
            sink.reject(Reject(position: position, reason: reason, raw: summary))
        }
        guard let from = headers.from.first else {
            return reject("no sender address (From)")
        }
        // A message without a Date field takes its mbox separator's date; one whose Date cannot be
        // read is rejected rather than silently dated by where it was stored.
        if headers.date == nil, let text = headers.dateText, !text.isEmpty {
            return reject("the Date header is not a date: '\(text.prefix(80))'")
        }
        guard let sentAt = headers.date ?? Self.separatorDate(raw.separator) else {
            return reject("no readable Date header")
        }
        let record = MailRecord(
            position: position, offset: raw.offset, source: sourceName, messageID: headers.messageID, sentAt: sentAt,
            from: from, recipients: headers.recipients, subject: headers.subject, attachments: raw.scanned.attachments,
            threadRoot: headers.threadRoot, contentHash: Self.contentHash(headers, sentAt: sentAt, body: raw.scanned.bodyHash),
            undecodable: headers.undecodable, headersCut: raw.scanned.headersTruncated)
        try sink.accept(record)
    }

    /// The asctime date of an mbox `From sender date` line.
    static func separatorDate(_ separator: String) -> Int64? {
        guard separator.hasPrefix("From ") else { return nil }
        var parts = separator.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2)
        while let first = parts.first, first.count != 3 || !first.allSatisfy(\.isLetter) { parts = parts.dropFirst() }
        return MailDate.parse(parts.joined(separator: " "))
    }

    /// FNV-1a over sender, recipients, date, subject and the body hash: the identity of a message
    /// without a Message-ID, the same whichever mailbox it is read from.
    static func contentHash(_ h: MailHeaders, sentAt: Int64, body: UInt64?) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for b in text.utf8 { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            hash = (hash ^ 0x1F) &* 0x0000_0100_0000_01b3
        }
        mix(h.from.first?.address ?? "")
        for r in h.recipients { mix(r.address) }
        mix(String(sentAt))
        mix(h.subject)
        mix(String(body ?? 0))
        return hash
    }
}
