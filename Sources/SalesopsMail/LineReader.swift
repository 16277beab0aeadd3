import Glibc
import SalesopsIO

/// Errors reading a mail file: only I/O; malformed mail is the caller's to judge.
public struct MailReadError: Error, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// One physical line of a file, valid only inside the callback that receives it.
public struct Line {
    /// The line's bytes without its terminator (LF or CRLF).
    public let bytes: UnsafeBufferPointer<UInt8>
    /// Byte offset of the line's first byte in the file.
    public let offset: Int64

    public var isBlank: Bool { bytes.isEmpty }

    @inlinable
    public func hasPrefix(_ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard bytes.count >= n else { return false }
        let p = prefix.utf8Start
        for i in 0..<n where bytes[i] != p[i] { return false }
        return true
    }
}

/// Streams a file line by line in fixed-size chunks: memory stays bounded by the chunk size and the
/// longest line (a line longer than `maxLine` is delivered in pieces).
public final class LineReader {
    public let path: String
    private let stream: InputByteStream
    private let chunkSize: Int
    private let maxLine: Int

    public init(path: String, chunkSize: Int = 1 << 20, maxLine: Int = 1 << 20) throws {
        self.path = path
        self.chunkSize = chunkSize
        self.maxLine = maxLine
        do { stream = try InputByteStream(path: path) } catch let error as InputStreamError {
            throw MailReadError(path: path, message: error.message)
        }
    }

    deinit { stream.close() }

    /// Bytes read so far (the file's size once ``forEachLine(_:)`` returned).
    public private(set) var bytesRead: Int64 = 0

    /// Calls `body` for every line, in order.
    public func forEachLine(_ body: (Line) throws -> Void) throws {
        let capacity = chunkSize + maxLine
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = 0          // bytes in the buffer
        var bufferOffset: Int64 = 0   // file offset of buffer[0]
        var eof = false
        while !eof || filled > 0 {
            if !eof {
                let n: Int
                do { n = try stream.read(into: buffer + filled, count: capacity - filled) } catch let error as InputStreamError {
                    throw MailReadError(path: path, message: error.message)
                }
                if n == 0 { eof = true } else { filled += n; bytesRead += Int64(n) }
            }
            var start = 0
            while start < filled {
                let rest = filled - start
                if let hit = memchr(buffer + start, 0x0A, rest) {
                    let nl = buffer.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    var end = nl
                    if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                    try body(Line(bytes: UnsafeBufferPointer(start: buffer + start, count: end - start),
                                  offset: bufferOffset + Int64(start)))
                    start = nl + 1
                } else if eof || rest >= maxLine {
                    // The last line without a terminator, or an overlong line: deliver what there is.
                    var end = filled
                    if eof && end > start && buffer[end - 1] == 0x0D { end -= 1 }
                    try body(Line(bytes: UnsafeBufferPointer(start: buffer + start, count: end - start),
                                  offset: bufferOffset + Int64(start)))
                    start = filled
                } else {
                    break
                }
            }
            // Keep the incomplete tail for the next read.
            if start > 0 {
                let tail = filled - start
                if tail > 0 { memmove(buffer, buffer + start, tail) }
                bufferOffset += Int64(start)
                filled = tail
            }
            if eof && filled == 0 { break }
        }
    }
}
