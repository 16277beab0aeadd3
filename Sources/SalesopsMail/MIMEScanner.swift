import SalesopsCore

/// One header field, unfolded, its value as the raw bytes after the colon (leading space removed).
public struct HeaderField: Equatable, Sendable {
    /// Lower-cased field name.
    public var name: String
    public var value: [UInt8]
}

/// The header fields of a message or a MIME part, in order (duplicates kept).
public struct HeaderBlock: Equatable, Sendable {
    public var fields: [HeaderField] = []

    public init(fields: [HeaderField] = []) { self.fields = fields }

    /// The first field of that (lower-case) name.
    public func first(_ name: String) -> [UInt8]? { fields.first { $0.name == name }?.value }

    /// Every field of that (lower-case) name.
    public func all(_ name: String) -> [[UInt8]] { fields.filter { $0.name == name }.map(\.value) }
}

/// What the scanner keeps of one message: its top-level headers and its attachments.
public struct ScannedMessage: Sendable {
    public var headers = HeaderBlock()
    public var attachments: [EmailAttachment] = []
    /// A 64-bit FNV-1a hash of the body's non-blank lines (trailing space trimmed, mbox quoting
    /// undone); computed only for messages without a Message-ID, which then are identified by content.
    public var bodyHash: UInt64?
    /// The message's own header block was longer than the scanner keeps: a field cut at
    /// ``MIMEScanner/maxFieldBytes`` (the end of a huge `To:` list) or fields past
    /// ``MIMEScanner/maxHeaderBytes`` skipped. Counted per source in the Data quality sheet.
    public var headersTruncated = false
}

/// Walks one message line by line and keeps only headers and attachment facts, so a message with
/// large attachments costs no memory: the MIME tree (nested multiparts, `message/rfc822` recursed)
/// is followed through boundary lines without decoding any body.
public struct MIMEScanner {
    enum State { case headers, body, skipToBoundary }

    /// Header bytes kept per header block; fields beyond it are skipped (and flagged).
    public static let maxHeaderBytes = 4 << 20
    /// Bytes kept of one field: a longer field (a proposal sent to thousands of addresses) is cut there
    /// and flagged, so the fields after it (Subject, Date, Content-Type) are still read.
    public static let maxFieldBytes = 256 << 10

    private var state = State.headers
    private var boundaries: [[UInt8]] = []
    private var fields: [HeaderField] = []
    private var headerBytes = 0
    /// Whether the header block being read is the message's own (not a part's or a nested message's).
    private var atTop = true
    private var hashBody = false
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    public private(set) var message = ScannedMessage()

    public init() {}

    /// Feeds the next line of the message (terminator removed, mbox quoting already undone).
    public mutating func feed(_ line: UnsafeBufferPointer<UInt8>) {
        if !boundaries.isEmpty, line.count >= 2, line[0] == UInt8(ascii: "-"), line[1] == UInt8(ascii: "-"),
           boundaryLine(line) {
            return
        }
        switch state {
        case .headers:
            if line.isEmpty { endHeaders(); return }
            addHeaderLine(line)
        case .body:
            if hashBody { hashLine(line) }
        case .skipToBoundary:
            break
        }
    }

    /// Ends the message and returns what was kept.
    public mutating func finish() -> ScannedMessage {
        if state == .headers { endHeaders() }
        if hashBody { message.bodyHash = hash }
        return message
    }

    private mutating func hashLine(_ line: UnsafeBufferPointer<UInt8>) {
        var end = line.count
        while end > 0 && (line[end - 1] == 0x20 || line[end - 1] == 0x09) { end -= 1 }
        guard end > 0 else { return }
        for i in 0..<end { hash = (hash ^ UInt64(line[i])) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ 0x0A) &* 0x0000_0100_0000_01b3
    }

    /// Counts `count` header bytes as kept, unless that passes ``maxHeaderBytes`` (the message is then
    /// flagged and the bytes dropped). Only kept bytes count: a 10 MB line of an unimportant field
    /// cut at ``maxFieldBytes`` does not push out the From, Date and Subject after it.
    private mutating func keep(_ count: Int) -> Bool {
        guard headerBytes + count <= Self.maxHeaderBytes else {
            if atTop { message.headersTruncated = true }
            return false
        }
        headerBytes += count
        return true
    }

    private mutating func addHeaderLine(_ line: UnsafeBufferPointer<UInt8>) {
        if line[0] == 0x20 || line[0] == 0x09 {
            // Folding: the line continues the previous field; only the line break goes.
            guard !fields.isEmpty else { return }
            let room = Self.maxFieldBytes - fields[fields.count - 1].value.count
            var end = line.count
            if line.count > room {
                if atTop { message.headersTruncated = true }
                end = Self.cut(line[...], room: room, addresses: Self.addressFields.contains(fields[fields.count - 1].name))
            }
            if keep(end) { fields[fields.count - 1].value.append(contentsOf: line[0..<end]) }
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return }   // not a field
        var nameEnd = colon
        while nameEnd > 0 && (line[nameEnd - 1] == 0x20 || line[nameEnd - 1] == 0x09) { nameEnd -= 1 }
        guard nameEnd <= 256 else { return }   // a piece of an overlong line, not a field name
        let name = String(decoding: UnsafeBufferPointer(rebasing: line[0..<nameEnd]), as: UTF8.self).lowercased()
        guard !name.contains(" ") else { return }
        var start = colon + 1
        while start < line.count && (line[start] == 0x20 || line[start] == 0x09) { start += 1 }
        var end = line.count
        if end - start > Self.maxFieldBytes {
            if atTop { message.headersTruncated = true }
            end = Self.cut(line[start...], room: Self.maxFieldBytes, addresses: Self.addressFields.contains(name))
        }
        if keep(nameEnd + end - start) { fields.append(HeaderField(name: name, value: Array(line[start..<end]))) }
    }

    /// Fields holding address lists: cut between two addresses, never inside one.
    static let addressFields: Set<String> = ["to", "cc", "bcc", "from", "reply-to"]

    /// Where to cut `bytes` to keep at most `room` of them: after the last whole address of an
    /// address list, else at the limit (backed off to a UTF-8 character boundary).
    static func cut(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, room: Int, addresses: Bool) -> Int {
        guard room > 0 else { return bytes.startIndex }
        var end = bytes.startIndex + min(room, bytes.count)
        if addresses {
            return bytes[bytes.startIndex..<end].lastIndex(of: UInt8(ascii: ",")) ?? bytes.startIndex
        }
        while end > bytes.startIndex, end < bytes.endIndex, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return end
    }

    /// A boundary line of an open multipart: a new part starts, or that multipart ends.
    private mutating func boundaryLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var end = line.count
        while end > 2 && (line[end - 1] == 0x20 || line[end - 1] == 0x09) { end -= 1 }
        let text = UnsafeBufferPointer(rebasing: line[2..<end])
        for level in stride(from: boundaries.count - 1, through: 0, by: -1) {
            let b = boundaries[level]
            guard text.count >= b.count, text.starts(with: b) else { continue }
            if text.count == b.count {
                if state == .headers { endHeaders() }
                boundaries.removeSubrange((level + 1)...)
                beginHeaders(top: false)
                return true
            }
            if text.count == b.count + 2, text[b.count] == UInt8(ascii: "-"), text[b.count + 1] == UInt8(ascii: "-") {
                if state == .headers { endHeaders() }
                boundaries.removeSubrange(level...)
                state = .skipToBoundary   // the epilogue
                return true
            }
        }
        return false
    }

    private mutating func beginHeaders(top: Bool) {
        fields = []
        headerBytes = 0
        atTop = top
        state = .headers
    }

    private mutating func endHeaders() {
        let block = HeaderBlock(fields: fields)
        let wasTop = atTop
        if wasTop {
            message.headers = block
            hashBody = block.first("message-id").map { $0.allSatisfy { $0 == 0x20 || $0 == 0x09 } } ?? true
        }
        atTop = false
        let contentType = block.first("content-type").flatMap { MediaType.parse($0) }
        let type = contentType?.value ?? "text/plain"
        if type.hasPrefix("multipart/"), let boundary = contentType?.parameters["boundary"], !boundary.isEmpty {
            boundaries.append(Array(boundary.utf8))
            state = .skipToBoundary   // the preamble
            return
        }
        if type == "message/rfc822" && !wasTop {
            if let attachment = Self.attachment(block, contentType: contentType, type: type), !attachment.filename.isEmpty {
                message.attachments.append(attachment)
            }
            beginHeaders(top: false)   // a forwarded message: its parts are followed too
            return
        }
        if let attachment = Self.attachment(block, contentType: contentType, type: type) {
            message.attachments.append(attachment)
        }
        state = .body
    }

    /// The attachment a leaf part is, if it is one (FORMATS.md §2.8): disposition `attachment`, or a
    /// file name, or a type that is not text; an inline part with a Content-ID is an embedded image.
    static func attachment(_ block: HeaderBlock, contentType: MediaType?, type: String) -> EmailAttachment? {
        let disposition = block.first("content-disposition").flatMap { MediaType.parse($0) }
        let rawName = disposition?.parameters["filename"] ?? contentType?.parameters["name"]
        let filename = rawName.map(Self.cleanName) ?? ""
        let hasContentID = block.first("content-id") != nil
        let result = EmailAttachment(filename: filename, contentType: type)
        if disposition?.value == "attachment" { return result }
        if hasContentID && (disposition?.value == "inline" || disposition == nil) { return nil }   // embedded in HTML
        if rawName != nil { return result }
        if disposition?.value == "inline" && type.hasPrefix("text/") { return nil }
        if type.hasPrefix("text/") || type.hasPrefix("multipart/") || type == "message/rfc822"
            || type == "application/pgp-signature" || type == "application/pkcs7-signature"
            || type == "application/x-pkcs7-signature" { return nil }
        return result
    }

    /// A file name with RFC 2047 words inside its quotes decoded and control characters dropped.
    static func cleanName(_ name: String) -> String {
        let decoded = name.contains("=?") ? EncodedWords.decodeHeader(name) : name
        return String(decoded.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
    }
}
