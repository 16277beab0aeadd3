/// One mailbox of a message: display name and address (lower-cased).
public struct MailboxAddress: Sendable, Equatable {
    public var name: String
    public var address: String

    public init(name: String, address: String) {
        self.name = name
        self.address = address
    }
}

/// A document attached to a message.
public struct EmailAttachment: Sendable, Equatable {
    /// The file name as sent, decoded; data, never a path. Empty when none was given.
    public var filename: String
    /// Lower-cased media type.
    public var contentType: String

    public init(filename: String, contentType: String) {
        self.filename = filename
        self.contentType = contentType
    }
}

/// One message as read from a mailbox export, headers decoded, before resolution against the roster.
public struct MailRecord: Sendable, Equatable {
    /// File and 1-based line where the message starts (its `From ` line in an mbox).
    public var position: SourcePosition
    /// Byte offset of the message in the file.
    public var offset: Int64
    public var source: String
    /// `Message-ID` without brackets; nil when the message has none.
    public var messageID: String?
    /// When it was sent (the `Date` header, else the mbox separator's date), seconds since the epoch.
    public var sentAt: Int64
    public var from: MailboxAddress
    /// `To`, `Cc` and `Bcc`.
    public var recipients: [MailboxAddress]
    public var subject: String
    /// Attachment file names and media types, in order (an inline image is not one).
    public var attachments: [EmailAttachment]
    /// Thread root id (Gmail thread, else the first `References` id, else `In-Reply-To`), if any.
    public var threadRoot: String?
    /// Identifies a message without a Message-ID by content (headers and body).
    public var contentHash: UInt64
    /// A header could not be decoded cleanly.
    public var undecodable: Bool
    /// The header block was too long to keep whole (a field or the fields after the limit were cut).
    public var headersCut: Bool

    public init(position: SourcePosition, offset: Int64, source: String, messageID: String?, sentAt: Int64,
                from: MailboxAddress, recipients: [MailboxAddress], subject: String,
                attachments: [EmailAttachment], threadRoot: String?, contentHash: UInt64,
                undecodable: Bool, headersCut: Bool = false) {
        self.headersCut = headersCut
        self.position = position
        self.offset = offset
        self.source = source
        self.messageID = messageID
        self.sentAt = sentAt
        self.from = from
        self.recipients = recipients
        self.subject = subject
        self.attachments = attachments
        self.threadRoot = threadRoot
        self.contentHash = contentHash
        self.undecodable = undecodable
    }

}

/// A message after resolution: what `emails` stores (SPEC "Email").
public struct EmailFacts: Sendable, Equatable {
    /// The Message-ID, or `hash:<16 hex>` of the content when the message has none.
    public var messageID: String
    public var hasMessageID: Bool
    public var sentAt: Int64
    /// Date of `sentAt` in the company time zone, `YYYY-MM-DD`.
    public var localDate: String
    public var direction: CallDirection
    public var repID: String?
    public var fromEmail: String
    /// The client's address: the first outside recipient of an outbound mail, the sender of an inbound one.
    public var clientEmail: String?
    public var subject: String
    public var attachments: [EmailAttachment]
    public var isProposal: Bool
    public var threadID: String
    /// Company-domain addresses of the message that belong to no rep.
    public var unmatched: [String]
    /// Every recipient outside the company (To, Cc, Bcc), in order.
    public var outsideRecipients: [String] = []
    public var undecodable: Bool
    /// The header block was too long to keep whole.
    public var headersCut = false
    public var source: String
    public var position: SourcePosition
    public var offset: Int64

    public init(messageID: String, hasMessageID: Bool, sentAt: Int64, localDate: String, direction: CallDirection,
                repID: String?, fromEmail: String, clientEmail: String?, subject: String,
                attachments: [EmailAttachment], isProposal: Bool, threadID: String,
                unmatched: [String], undecodable: Bool, source: String, position: SourcePosition, offset: Int64) {
        self.messageID = messageID
        self.hasMessageID = hasMessageID
        self.sentAt = sentAt
        self.localDate = localDate
        self.direction = direction
        self.repID = repID
        self.fromEmail = fromEmail
        self.clientEmail = clientEmail
        self.subject = subject
        self.attachments = attachments
        self.isProposal = isProposal
        self.threadID = threadID
        self.unmatched = unmatched
        self.undecodable = undecodable
        self.source = source
        self.position = position
        self.offset = offset
    }

}

/// Receives what a mail extractor reads from one file.
public protocol MailSink: AnyObject {
    func accept(_ message: MailRecord) throws
    /// A message that could not be read; the run goes on.
    func reject(_ reject: Reject)
    /// A message dropped on purpose (deleted, a chat), counted by reason.
    func filter(reason: String, at position: SourcePosition)
}

/// Streams the messages of one mailbox file into a sink.
public protocol MailExtractor {
    func extract(path: String, displayPath: String, into sink: MailSink) throws -> ExtractResult
}
