import CZlib
import Glibc

/// Why an input file's bytes could not be read.
public struct InputStreamError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// The content of one input file as a stream of bytes: the file itself, or, for a gzip-compressed
/// file (a log rotated by logrotate's `compress`, recognised by its magic bytes whatever its name),
/// its decompressed content through zlib. Every reader of input files reads through this type, so a
/// `Master.csv-20261121.gz` reads like the `Master.csv` it was. No zlib type leaves this file.
public final class InputByteStream {
    public let path: String
    /// Whether the file is gzip-compressed (offsets and sizes then count decompressed bytes).
    public let isCompressed: Bool
    private var fd: Int32
    private var gz: gzFile?

    /// Opens `path` for reading; only regular files are opened (a FIFO would block the run).
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        self.fd = fd
        guard fd >= 0 else { throw InputStreamError(path: path, message: "cannot open: \(Self.errnoText())") }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            self.fd = -1
            throw InputStreamError(path: path, message: "not a regular file")
        }
        // Back to blocking reads now that it is known to be a regular file.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var magic: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 2, 0) }
        isCompressed = n == 2 && magic.0 == 0x1F && magic.1 == 0x8B
        if isCompressed {
            guard let handle = gzdopen(fd, "rb") else {
                Glibc.close(fd)
                self.fd = -1
                throw InputStreamError(path: path, message: "cannot open the gzip stream")
            }
            gz = handle
            self.fd = -1   // owned by zlib now
            gzbuffer(handle, 1 << 18)
        }
    }

    deinit { close() }

    /// Closes the file; safe to call twice.
    public func close() {
        if let gz { gzclose_r(gz) }
        gz = nil
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Reads up to `count` bytes into `buffer`; returns 0 at the end of the content. A damaged or
    /// truncated gzip stream is an error, not a silent end.
    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        if let gz {
            let n = gzread(gz, buffer, UInt32(min(count, Int(Int32.max))))
            if n < 0 { throw InputStreamError(path: path, message: "damaged gzip data: \(gzMessage(gz))") }
            if n == 0 {
                var code: Int32 = 0
                _ = gzerror(gz, &code)
                if code != Z_OK { throw InputStreamError(path: path, message: "damaged gzip data: \(gzMessage(gz))") }
            }
            return Int(n)
        }
        guard fd >= 0 else { throw InputStreamError(path: path, message: "the file is closed") }
        while true {
            let n = Glibc.read(fd, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw InputStreamError(path: path, message: "read failed: \(Self.errnoText())")
        }
    }

    /// Skips the first `offset` bytes of the content (decompressing them when compressed).
    public func skip(to offset: Int64) throws {
        guard offset > 0 else { return }
        if let gz {
            if gzseek(gz, Int(offset), SEEK_SET) < 0 {
                throw InputStreamError(path: path, message: "cannot skip to byte \(offset): \(gzMessage(gz))")
            }
        } else if lseek(fd, off_t(offset), SEEK_SET) < 0 {
            throw InputStreamError(path: path, message: "cannot skip to byte \(offset): \(Self.errnoText())")
        }
    }

    private func gzMessage(_ gz: gzFile) -> String {
        var code: Int32 = 0
        guard let text = gzerror(gz, &code) else { return "unknown error" }
        // zlib names the stream "<fd:N>: "; the path is said by the caller.
        let message = String(cString: text)
        if message.hasPrefix("<fd:"), let close = message.firstIndex(of: ">") {
            return String(message[message.index(after: close)...].drop { $0 == ":" || $0 == " " })
        }
        return message
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
