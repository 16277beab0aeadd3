import Foundation

/// One line on a terminal showing what the run is reading: the source, its file count, rows and
/// megabytes so far and the speed, rewritten in place at most a few times a second. It exists only
/// when stderr is a terminal (a cron log gets the info lines instead); a log line clears it first.
public final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var shown = false
    private var lastDraw: UInt64 = 0
    private var sourceStart: UInt64 = 0
    private var source = ""
    private var files = (done: 0, total: 0)
    private var bytesDone: Int64 = 0
    private var currentBytes: Int64 = 0

    /// A progress line for stderr, or nil when stderr is not a terminal.
    public static func forTerminal() -> ProgressLine? { isatty(2) == 1 ? ProgressLine() : nil }

    /// A new source begins.
    func begin(source: String, files: Int) {
        lock.lock()
        defer { lock.unlock() }
        self.source = source
        self.files = (0, files)
        bytesDone = 0
        sourceStart = DispatchTime.now().uptimeNanoseconds
    }

    /// A file of the source (of that many bytes of content) begins.
    func fileBegins(bytes: Int64) {
        lock.lock()
        currentBytes = bytes
        lock.unlock()
    }

    /// A file of the source is done.
    func fileDone(bytes: Int64, rows: Int) {
        lock.lock()
        files.done += 1
        bytesDone += bytes
        lock.unlock()
        update(rows: rows, force: true)
    }

    /// Rows of the source so far (called every few thousand rows).
    func update(rows: Int, force: Bool = false) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        defer { lock.unlock() }
        guard force || now - lastDraw > 250_000_000 else { return }
        lastDraw = now
        let secs = max(Double(now - sourceStart) / 1e9, 0.001)
        var text = "\(source): file \(min(files.done + 1, files.total))/\(files.total)"
        if files.done < files.total { text += String(format: " (%.1f MB)", Double(currentBytes) / 1_048_576) }
        text += ", \(rows) rows, \(Int(Double(rows) / secs)) rows/s"
        if bytesDone > 0 { text += String(format: ", %.1f MB read, %.1f MB/s", Double(bytesDone) / 1_048_576, Double(bytesDone) / 1_048_576 / secs) }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        shown = true
    }

    /// Clears the line (before a log line, and at the end of the extract phase).
    public func clear() {
        lock.lock()
        defer { lock.unlock() }
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }
}
