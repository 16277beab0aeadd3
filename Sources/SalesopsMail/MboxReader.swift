/// One message read from an mbox file or an .eml file.
public struct RawMessage: Sendable {
    /// Byte offset of the message (its `From ` line in an mbox) in the file.
    public var offset: Int64
    /// 1-based line of that first line.
    public var line: Int
    /// The mbox separator line (`From sender date`), decoded leniently; empty for .eml.
    public var separator: String
    public var scanned: ScannedMessage
}

/// Splits mbox files (mboxo, mboxrd, Google Takeout with CRLF, Thunderbird) into messages, streaming.
///
/// A message starts at a `From ` line that follows a blank line (or starts the file) and ends in
/// something that looks like a date (a time `hh:mm` and a year), so an unquoted `From ` inside a body
/// seldom splits a message. `>From ` lines lose exactly one `>` (mboxrd; for mboxo the one `>` the
/// writer added). Text before the first separator, if any, is read as a message of its own.
public enum MboxReader {
    /// Calls `body` for each message in file order; returns the file's size in bytes.
    @discardableResult
    public static func read(path: String, _ body: (RawMessage) throws -> Void) throws -> Int64 {
        let reader = try LineReader(path: path)
        var scanner = MIMEScanner()
        var current: (offset: Int64, line: Int, separator: String)?
        var lineNumber = 0
        var previousBlank = true
        var sawContent = false
        var unquoted: [UInt8] = []
        func finish() throws {
            if let c = current {
                try body(RawMessage(offset: c.offset, line: c.line, separator: c.separator, scanned: scanner.finish()))
            } else if sawContent {
                try body(RawMessage(offset: 0, line: 1, separator: "", scanned: scanner.finish()))
            }
        }
        try reader.forEachLine { line in
            lineNumber += 1
            let bytes = line.bytes
            if previousBlank && line.hasPrefix("From ") && Self.looksLikeSeparator(bytes) {
                try finish()
                scanner = MIMEScanner()
                current = (line.offset, lineNumber, String(decoding: bytes, as: UTF8.self))
                previousBlank = false
                sawContent = false
                return
            }
            previousBlank = bytes.isEmpty
            if current == nil && !sawContent && bytes.isEmpty { return }   // blank lines before the first message
            sawContent = true
            if bytes.first == UInt8(ascii: ">") {
                var i = 0
                while i < bytes.count && bytes[i] == UInt8(ascii: ">") { i += 1 }
                if bytes.count - i >= 5 && bytes[i..<(i + 5)].elementsEqual("From ".utf8) {
                    unquoted.removeAll(keepingCapacity: true)
                    unquoted.append(contentsOf: bytes[1...])
                    unquoted.withUnsafeBufferPointer { scanner.feed($0) }
                    return
                }
            }
            scanner.feed(bytes)
        }
        try finish()
        return reader.bytesRead
    }

    /// `From <sender> <date>`: a time `hh:mm` and a plausible year after the sender.
    static func looksLikeSeparator(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        func digit(_ i: Int) -> Bool { i < line.count && line[i] >= 0x30 && line[i] <= 0x39 }
        var time = false, year = false
        var i = 5
        while i < line.count {
            if !time && digit(i) && digit(i + 1) && i + 4 < line.count && line[i + 2] == UInt8(ascii: ":")
                && digit(i + 3) && digit(i + 4) {
                time = true
                i += 5
                continue
            }
            if time && digit(i) && digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i + 4) && (i == 0 || !digit(i - 1)) {
                let y = Int(line[i] - 0x30) * 1000 + Int(line[i + 1] - 0x30) * 100 + Int(line[i + 2] - 0x30) * 10
                    + Int(line[i + 3] - 0x30)
                if (1970...2100).contains(y) { year = true; break }
            }
            i += 1
        }
        return time && year
    }

    /// Reads one .eml file (RFC 5322, LF or CRLF) as one message; returns it and the file's size.
    public static func readEML(path: String) throws -> (message: RawMessage, bytes: Int64) {
        let reader = try LineReader(path: path)
        var scanner = MIMEScanner()
        try reader.forEachLine { scanner.feed($0.bytes) }
        return (RawMessage(offset: 0, line: 1, separator: "", scanned: scanner.finish()), reader.bytesRead)
    }
}
