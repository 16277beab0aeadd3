import CCSV
import SalesopsIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors of the CSV reader: only I/O and parser failures; malformed rows are the caller's to judge.
public struct CSVError: Error, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// Streams a delimited text file through libcsv, one record at a time, with line numbers and raw text.
///
/// The file is read in fixed-size chunks and fed to libcsv line by line, so memory stays bounded by
/// the longest record, and each record knows the physical line it starts on.
public final class CSVReader {
    public let path: String
    private let delimiter: UInt8
    private var parser = csv_parser()
    private var file: InputByteStream?
    private let chunkSize: Int

    // Record assembly, written by the libcsv callbacks.
    /// The current record's fields, written by the libcsv callbacks (their context).
    fileprivate let assembly: UnsafeMutablePointer<RecordAssembly>
    /// The earlier lines of a record that spans lines, each followed by LF (a one-line record's bytes
    /// are read where they lie, in ``lineInParse``).
    fileprivate var rawLine: [UInt8] = []
    /// The content of the line libcsv is parsing (valid only during its `csv_parse`).
    fileprivate var lineInParse: UnsafeBufferPointer<UInt8>?
    /// The current record's lines: content length (in ``rawLine``), length with its terminator, and
    /// whether it ended with LF — enough to rebuild the lines' bytes and read them again after a broken
    /// quote, without copying every line a second time.
    fileprivate var recordLineLengths: [(content: Int, total: Int, terminated: Bool)] = []
    /// A record still inside a quoted field after this many lines or bytes is broken (a stray quote):
    /// its first line is given up and the lines after it are read again.
    public var maxRecordLines = 1000
    public var maxRecordBytes = 4 << 20
    /// A line longer than this is not read: it becomes a broken record (a located reject) and its
    /// bytes are skipped up to its line end, so memory stays bounded by this, not by the input.
    public var maxLineBytes = 8 << 20
    /// The overlong line being skipped: its number, offset and first bytes.
    private var skipping: (line: Int, offset: Int64, head: [UInt8])?
    fileprivate var inRecord = false
    /// Whether the line being fed ends with LF.
    fileprivate var lineTerminated = true
    fileprivate var recordLine = 0
    fileprivate var recordOffset: Int64 = 0
    fileprivate var body: ((CSVRecord) throws -> Void)?
    fileprivate var failure: Error?
    /// Records delivered so far.
    public private(set) var recordCount = 0
    /// Bytes consumed so far (the offset after the last complete line).
    public private(set) var bytesRead: Int64 = 0
    /// Physical lines consumed so far.
    public private(set) var linesRead = 0
    /// Offset just after the last complete (LF-terminated) line: where an appending writer's next
    /// record starts, so a later read of the grown file can resume there.
    public private(set) var resumeOffset: Int64 = 0
    /// Number of complete lines before ``resumeOffset``.
    public private(set) var resumeLine = 0

    /// Opens `path`. Reading starts at `offset` (a line boundary), counting lines from `firstLine`.
    public init(path: String, delimiter: UInt8 = UInt8(ascii: ","), offset: Int64 = 0, firstLine: Int = 1,
                chunkSize: Int = 1 << 20) throws {
        self.path = path
        self.delimiter = delimiter
        self.chunkSize = chunkSize
        assembly = .allocate(capacity: 1)
        assembly.initialize(to: RecordAssembly())
        assembly.pointee.reader = Unmanaged.passUnretained(self)
        guard csv_init(&parser, 0) == 0 else { throw CSVError(path: path, message: "cannot initialise libcsv") }
        csv_set_delim(&parser, delimiter)
        csv_set_quote(&parser, UInt8(ascii: "\""))
        // Keep spaces: libcsv trims unquoted fields by default, which would change values.
        csv_set_space_func(&parser) { _ in 0 }
        do {
            let stream = try InputByteStream(path: path)
            file = stream
            try stream.skip(to: offset)
        } catch let error as InputStreamError {
            file?.close()
            csv_free(&parser)
            throw CSVError(path: path, message: error.message)
        }
        bytesRead = offset
        linesRead = firstLine - 1
        resumeOffset = offset
        resumeLine = firstLine - 1
    }

    deinit {
        close()
        assembly.pointee.free()
        assembly.deallocate()
    }

    /// Releases the file and the parser; safe to call twice.
    public func close() {
        file?.close()
        file = nil
        csv_free(&parser)
    }

    /// Calls `body` for every record in file order. A UTF-8 BOM at the start of the file is skipped.
    /// An error thrown by `body` stops reading and is rethrown.
    public func forEachRecord(_ body: @escaping (CSVRecord) throws -> Void) throws {
        guard let file else { throw CSVError(path: path, message: "reader is closed") }
        self.body = body
        defer { self.body = nil }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var filled = 0
        var atStart = bytesRead == 0
        while true {
            if filled == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
            let n: Int
            do {
                n = try buffer.withUnsafeMutableBytes { raw in
                    try file.read(into: raw.baseAddress! + filled, count: raw.count - filled)
                }
            } catch let error as InputStreamError {
                throw CSVError(path: path, message: error.message)
            }
            filled += n
            let eof = n == 0
            var consumed = 0
            try buffer.withUnsafeBufferPointer { all in
                var start = 0
                if atStart && filled >= 3 && all[0] == 0xEF && all[1] == 0xBB && all[2] == 0xBF {
                    start = 3
                    bytesRead += 3
                }
                if atStart, let encoding = Self.utf16(UnsafeBufferPointer(rebasing: all[0..<min(filled, 512)])) {
                    throw CSVError(path: path, message: "the file is \(encoding) text (a spreadsheet's \"Unicode text\" export), "
                                   + "not a CSV this reader can read: save it as CSV in UTF-8 or windows-1251")
                }
                if atStart && (filled >= 3 || eof) { atStart = false }
                while start < filled {
                    let rest = UnsafeRawPointer(all.baseAddress! + start)
                    let lineEnd: Int
                    if let hit = memchr(rest, Int32(UInt8(ascii: "\n")), filled - start) {
                        lineEnd = rest.distance(to: UnsafeRawPointer(hit)) + start + 1
                    } else if eof {
                        lineEnd = filled
                    } else {
                        if skipping == nil && filled - start > maxLineBytes {
                            try beginSkipping(UnsafeBufferPointer(rebasing: all[start..<filled]))
                        }
                        if skipping != nil {
                            bytesRead += Int64(filled - start)   // the overlong line's bytes so far go unread
                            start = filled
                        }
                        break
                    }
                    if skipping != nil {
                        bytesRead += Int64(lineEnd - start)
                        try endSkipping(terminated: all[lineEnd - 1] == 0x0A)
                    } else {
                        try feed(UnsafeBufferPointer(rebasing: all[start..<lineEnd]))
                    }
                    start = lineEnd
                }
                consumed = start
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, filled - consumed)
                }
                filled -= consumed
            }
            if eof { break }
        }
        if skipping != nil { try endSkipping(terminated: false) }
        // A quote opened and never closed before the end: only its line is lost.
        while inRecord && insideQuotes { try breakRecord() }
        csv_fini(&parser, fieldCallback, rowCallback, UnsafeMutableRawPointer(assembly))
        if let failure { throw failure }
    }

    /// "UTF-16LE" or "UTF-16BE" when the first bytes are UTF-16 (a byte-order mark, or a NUL in every
    /// other byte of Latin or Cyrillic text), else nil.
    static func utf16(_ head: UnsafeBufferPointer<UInt8>) -> String? {
        if head.count >= 2 && head[0] == 0xFF && head[1] == 0xFE { return "UTF-16LE" }
        if head.count >= 2 && head[0] == 0xFE && head[1] == 0xFF { return "UTF-16BE" }
        guard head.count >= 8 else { return nil }
        // The high bytes of Latin, digits and separators are 0x00, of Cyrillic 0x04.
        let pairs = head.count / 2
        func count(from first: Int, _ match: (UInt8) -> Bool) -> Int {
            stride(from: first, to: pairs * 2, by: 2).filter { match(head[$0]) }.count
        }
        if count(from: 0, { $0 == 0 }) == 0, count(from: 1, { $0 == 0 }) > 0, count(from: 1, { $0 == 0 || $0 == 4 }) * 4 >= pairs * 3 {
            return "UTF-16LE"
        }
        if count(from: 1, { $0 == 0 }) == 0, count(from: 0, { $0 == 0 }) > 0, count(from: 0, { $0 == 0 || $0 == 4 }) * 4 >= pairs * 3 {
            return "UTF-16BE"
        }
        return nil
    }

    private func feed(_ line: UnsafeBufferPointer<UInt8>) throws {
        linesRead += 1
        let lineOffset = bytesRead
        bytesRead += Int64(line.count)
        lineTerminated = line.last == 0x0A
        if lineTerminated {
            resumeOffset = bytesRead
            resumeLine = linesRead
        }
        var content = line.count
        while content > 0 && (line[content - 1] == 0x0A || line[content - 1] == 0x0D) { content -= 1 }
        if !inRecord {
            if content == 0 { return }   // blank line between records
            inRecord = true
            recordLine = linesRead
            recordOffset = lineOffset
            rawLine.removeAll(keepingCapacity: true)
            recordLineLengths.removeAll(keepingCapacity: true)
        } else {
            rawLine.append(0x0A)
        }
        recordLineLengths.append((content, line.count, lineTerminated))
        let contentBytes = UnsafeBufferPointer(rebasing: line[0..<content])
        lineInParse = contentBytes
        let parsed = csv_parse(&parser, line.baseAddress, line.count, fieldCallback, rowCallback,
                               UnsafeMutableRawPointer(assembly))
        lineInParse = nil
        // A record going on past this line keeps the line's bytes for its raw text.
        if inRecord { rawLine.append(contentsOf: contentBytes) }
        if let failure { throw failure }
        if parsed != line.count {
            throw CSVError(path: path, message: "line \(linesRead): \(String(cString: csv_strerror(csv_error(&parser))))")
        }
        if inRecord && (recordLineLengths.count > maxRecordLines || rawLine.count > maxRecordBytes) { try breakRecord() }
    }

    /// Starts skipping an overlong line (a record open over earlier lines is given up first).
    private func beginSkipping(_ head: UnsafeBufferPointer<UInt8>) throws {
        if inRecord { try breakRecord() }
        skipping = (linesRead + 1, bytesRead, Array(head.prefix(200)))
    }

    /// The overlong line ended: it becomes a broken record and reading goes on after it.
    private func endSkipping(terminated: Bool) throws {
        guard let skipped = skipping else { return }
        skipping = nil
        linesRead += 1
        if terminated {
            resumeOffset = bytesRead
            resumeLine = linesRead
        }
        guard let body else { return }
        recordCount += 1
        let raw = skipped.head + Array("…".utf8)
        try raw.withUnsafeBufferPointer { bytes in
            var record = CSVRecord(line: skipped.line, offset: skipped.offset, storage: UnsafeBufferPointer(start: nil, count: 0),
                                   ends: UnsafeBufferPointer(start: nil, count: 0), rawBytes: bytes)
            record.brokenReason = "line \(skipped.line) is \(bytesRead - skipped.offset) bytes long, over the "
                + "\(maxLineBytes >> 20) MB a line may have: not read"
            record.isUnterminated = !terminated
            try body(record)
        }
    }

    /// Whether libcsv is inside a quoted field (its `FIELD_BEGUN` state of a quoted field).
    private var insideQuotes: Bool { parser.quoted != 0 && parser.pstate == 2 }

    /// Gives up the current record at its first line (delivered as a broken record) and reads the
    /// lines after it again, from a fresh parser state.
    private func breakRecord() throws {
        // The record's lines as they were read: each line's content from rawLine, its CRs and LF.
        var lines: [UInt8] = []
        var from = 0
        for length in recordLineLengths {
            lines.append(contentsOf: rawLine[from..<(from + length.content)])
            let crs = length.total - length.content - (length.terminated ? 1 : 0)
            if crs > 0 { lines.append(contentsOf: repeatElement(0x0D, count: crs)) }
            if length.terminated { lines.append(0x0A) }
            from += length.content + 1
        }
        let firstLength = recordLineLengths[0].total
        let content = recordLineLengths[0].content
        let terminated = recordLineLengths[0].terminated
        let (line, offset) = (recordLine, recordOffset)
        csv_fini(&parser, nil, nil, nil)   // resets the parser, delivering nothing
        assembly.pointee.clear()
        inRecord = false
        recordLineLengths.removeAll(keepingCapacity: true)
        if let body {
            recordCount += 1
            try lines.withUnsafeBufferPointer { all in
                var record = CSVRecord(line: line, offset: offset, storage: UnsafeBufferPointer(start: nil, count: 0),
                                       ends: UnsafeBufferPointer(start: nil, count: 0),
                                       rawBytes: UnsafeBufferPointer(rebasing: all[0..<content]))
                record.brokenReason = CSVRecord.unterminatedQuote
                record.isUnterminated = !terminated
                try body(record)
            }
        }
        linesRead = line
        bytesRead = offset + Int64(firstLength)
        if terminated {
            resumeOffset = bytesRead
            resumeLine = linesRead
        }
        var start = firstLength
        try lines.withUnsafeBufferPointer { all in
            while start < all.count {
                var end = start
                while end < all.count && all[end] != 0x0A { end += 1 }
                if end < all.count { end += 1 }
                try feed(UnsafeBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
    }

    fileprivate func endRecord() {
        defer {
            assembly.pointee.clear()
            recordLineLengths.removeAll(keepingCapacity: true)
            inRecord = false
        }
        guard failure == nil, let body else { return }
        recordCount += 1
        func deliver(_ raw: UnsafeBufferPointer<UInt8>) {
            do {
                var record = CSVRecord(line: recordLine, offset: recordOffset, storage: assembly.pointee.bytes, ends: assembly.pointee.ends,
                                       rawBytes: raw)
                record.isUnterminated = !lineTerminated
                try body(record)
            } catch {
                failure = error
            }
        }
        if let line = lineInParse {
            if recordLineLengths.count == 1 { return deliver(line) }   // the common case: no copy
            rawLine.append(contentsOf: line)
        }
        rawLine.withUnsafeBufferPointer(deliver)
    }
}

private func fieldCallback(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    let assembly = context!.assumingMemoryBound(to: RecordAssembly.self)
    assembly.pointee.appendField(data.map { UnsafeBufferPointer(start: $0.assumingMemoryBound(to: UInt8.self), count: length) })
}

private func rowCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    let assembly = context!.assumingMemoryBound(to: RecordAssembly.self)
    assembly.pointee.reader?._withUnsafeGuaranteedRef { $0.endRecord() }
}

/// The record libcsv's callbacks are assembling: its field bytes and where each field ends, and the
/// reader to hand it to. The callbacks reach it through their context pointer, so appending a field
/// takes no reference count or run-time exclusivity check (21 million of them per million CDR rows).
struct RecordAssembly {
    private var byteBase = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
    private var byteCount = 0
    private var byteCapacity = 4096
    private var endBase = UnsafeMutablePointer<Int>.allocate(capacity: 64)
    private var endCount = 0
    private var endCapacity = 64
    /// The reader that owns this assembly (unretained: it outlives it).
    var reader: Unmanaged<CSVReader>?

    /// The bytes of the fields so far, valid until the next append.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: byteBase, count: byteCount) }
    /// The end offset of each field so far in ``bytes``.
    var ends: UnsafeBufferPointer<Int> { UnsafeBufferPointer(start: endBase, count: endCount) }

    mutating func clear() {
        byteCount = 0
        endCount = 0
    }

    @inline(__always)
    mutating func appendField(_ data: UnsafeBufferPointer<UInt8>?) {
        if let data, let source = data.baseAddress, !data.isEmpty {
            if byteCount + data.count > byteCapacity { growBytes(to: byteCount + data.count) }
            (byteBase + byteCount).update(from: source, count: data.count)
            byteCount += data.count
        }
        if endCount == endCapacity { growEnds() }
        endBase[endCount] = byteCount
        endCount += 1
    }

    private mutating func growBytes(to needed: Int) {
        var grown = byteCapacity * 2
        while grown < needed { grown *= 2 }
        let new = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        new.update(from: byteBase, count: byteCount)
        byteBase.deallocate()
        byteBase = new
        byteCapacity = grown
    }

    private mutating func growEnds() {
        let new = UnsafeMutablePointer<Int>.allocate(capacity: endCapacity * 2)
        new.update(from: endBase, count: endCount)
        endBase.deallocate()
        endBase = new
        endCapacity *= 2
    }

    /// Releases the buffers (the assembly is not used after).
    func free() {
        byteBase.deallocate()
        endBase.deallocate()
    }
}
