import Foundation
import SalesopsCore
import SalesopsIO

/// One input file matched by a source's path glob.
public struct InputFile: Sendable, Equatable {
    /// Absolute path.
    public var path: String
    /// Path relative to the project folder, as stored in the warehouse.
    public var displayPath: String
    /// Size of the content (decompressed, for a gzip-compressed file).
    public var bytes: Int64
    /// SHA-256 of the content (decompressed, for a gzip-compressed file): a rotated log compressed by
    /// logrotate has the hash of the log it was.
    public var sha256: String
    /// SHA-256 of the first bytes of the content, for each prefix length asked for that the content
    /// reaches (to tell whether a file only grew since a version of it was loaded).
    public var prefixSHA256: [Int64: String] = [:]
    /// Whether the file is gzip-compressed.
    public var isCompressed = false
    /// How the hash was learnt.
    public var hashing: Hashing = .read
    /// The file's stat key for the ledger (``FileStat/key``): only its identity when it was written while
    /// being hashed, nil when it was replaced meanwhile.
    public var statKey: String?
    /// The hash state after all the content (a grown file's hash continues from it), when it was read.
    public var finalState: String?

    public enum Hashing: Sendable, Equatable {
        /// Every byte was read.
        case read
        /// Its stat key is the one recorded with the loaded version: known without reading it.
        case unchanged
        /// The same file grown past a loaded version's resume offset, its first and last bytes before
        /// that offset as they were: hashed on from the state saved there (`state`, after `offset` bytes).
        case grown(offset: Int64, state: String)
        /// Not hashed yet: hashed on another core while it is read (``InputFiles/BackgroundFingerprint``).
        /// `bytes` is the size `stat` gave; `sha256` is empty and matches no loaded version.
        case pending
    }
}

/// What `stat` says of a file: which file it is (device and inode) and whether it was written
/// (size, modification and status-change times in nanoseconds; the status-change time cannot be set
/// back by a user or a copy tool). Tools that must not re-read unchanged files trust the same facts
/// (make, rsync, git's index).
public struct FileStat: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modified: Int64
    public var changed: Int64

    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    /// `device:inode`: the same file, whatever was written to it.
    public var identity: String { "\(device):\(inode)" }

    /// The ledger's key of a file hashed at `hashedAt` (ns since the epoch): `device:inode:size:mtime:ctime`,
    /// or only the identity when the file was written less than 2 s before (a later write in the same
    /// tick of a coarse file-system clock would leave the same times: git's "racily clean" rule).
    public func key(hashedAt: Int64) -> String {
        max(modified, changed) < hashedAt - 2_000_000_000 ? "\(identity):\(size):\(modified):\(changed)" : identity
    }

    /// The identity part of a stored key.
    public static func identity(ofKey key: String) -> String {
        key.split(separator: ":").prefix(2).joined(separator: ":")
    }
}

/// Finds a source's files and fingerprints them.
public enum InputFiles {
    /// What a source's glob matched: the regular files to read, sorted by path for a deterministic
    /// load order, and every other match (a directory, a FIFO, a socket, a dangling symlink) with why
    /// it is not read: a FIFO would block the run forever while it holds the lock.
    public struct Matches: Sendable {
        public var files: [String] = []
        public var skipped: [(path: String, reason: String)] = []
    }

    /// Paths under `projectDir` matching the POSIX glob `pattern` (`*`, `?`, `[...]` within one path segment).
    public static func match(glob pattern: String, in projectDir: URL) -> Matches {
        let absolute = pattern.hasPrefix("/") ? pattern : projectDir.path + "/" + pattern
        var result = Matches()
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(absolute, 0, nil, &g) == 0 else { return result }
        for i in 0..<Int(g.gl_pathc) {
            guard let p = g.gl_pathv[i] else { continue }
            let path = String(cString: p)
            var info = stat()
            if stat(path, &info) != 0 {
                result.skipped.append((path, lstat(path, &info) == 0 ? "a dangling symbolic link" : "cannot be examined: \(String(cString: strerror(errno)))"))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG: result.files.append(path)
            case S_IFDIR: result.skipped.append((path, "a directory"))
            case S_IFIFO: result.skipped.append((path, "a FIFO (named pipe), not a file"))
            default: result.skipped.append((path, "not a regular file"))
            }
        }
        result.files.sort()
        result.skipped.sort { $0.path < $1.path }
        return result
    }

    /// What the ledger holds of a path's last loaded version, to fingerprint it without reading it all.
    public struct KnownVersion: Sendable {
        public var sha256: String
        public var bytes: Int64
        public var statKey: String?
        public var resumeOffset: Int64?
        public var resumeSHA256: String?
        public var resumeState: String?
        public var resumeSample: String?

        public init(sha256: String, bytes: Int64, statKey: String?, resumeOffset: Int64?, resumeSHA256: String?,
                    resumeState: String?, resumeSample: String?) {
            self.sha256 = sha256
            self.bytes = bytes
            self.statKey = statKey
            self.resumeOffset = resumeOffset
            self.resumeSHA256 = resumeSHA256
            self.resumeState = resumeState
            self.resumeSample = resumeSample
        }
    }

    /// Size and SHA-256 of a file's content, read in 1 MiB chunks; also, in the same pass, the SHA-256
    /// of the first `n` bytes for every `n` in `prefixLengths` that the content reaches.
    ///
    /// With `known`, the path's last loaded version: a file whose stat key is the recorded one is that
    /// version (nothing read); the same file grown past the version's resume offset, its first and last
    /// 64 KiB before it unchanged (``sampleSHA256(path:length:)``), is hashed on from the state saved
    /// there — a log appended to each night is read once, not once more per night. Prefixes shorter
    /// than that offset are then not hashed (a grown file is matched to its own last version first).
    /// `hashedAt` (ns since the epoch, now by default) decides whether the file was just written.
    public static func fingerprint(path: String, projectDir: URL, prefixLengths: Set<Int64> = [],
                                   known: KnownVersion? = nil, hashedAt: Int64? = nil) throws -> InputFile {
        let hashedAt = hashedAt ?? Int64(Date().timeIntervalSince1970 * 1e9)
        let before = FileStat(path: path)
        let display = displayPath(path, in: projectDir)
        if let known, let before, let key = known.statKey, key == before.key(hashedAt: hashedAt), key != before.identity {
            return InputFile(path: path, displayPath: display, bytes: known.bytes, sha256: known.sha256,
                             isCompressed: try isCompressed(path: path), hashing: .unchanged, statKey: key)
        }
        var hasher = SHA256Hasher()
        var from: Int64 = 0
        var prefixes: [Int64: String] = [:]
        var hashing = InputFile.Hashing.read
        if let known, let before, let key = known.statKey, FileStat.identity(ofKey: key) == before.identity,
           let offset = known.resumeOffset, offset > 0, before.size > offset, let saved = known.resumeState,
           let resumed = SHA256Hasher(resuming: saved), let prefix = known.resumeSHA256, let sample = known.resumeSample,
           try !isCompressed(path: path), try sampleSHA256(path: path, length: offset) == sample {
            hasher = resumed
            from = offset
            prefixes[offset] = prefix
            hashing = .grown(offset: offset, state: saved)
        }
        var cuts = prefixLengths.filter { $0 > from || ($0 == 0 && from == 0) }.sorted()[...]
        var total = from
        let compressed = try forEachChunk(path: path, from: from) { raw in
            var done = 0
            while let cut = cuts.first, total + Int64(raw.count) >= cut {
                let head = Int(cut - total)
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[done..<head]))
                prefixes[cut] = hasher.snapshotHex()
                done = head
                cuts.removeFirst()
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[done...]))
            total += Int64(raw.count)
        }
        // An empty file reaches only the empty prefix (the loop above sees no chunk).
        if let first = cuts.first, first == 0, total == 0 { prefixes[0] = hasher.snapshotHex() }
        let state = hasher.state
        // A file written while it was hashed (a PBX appending a call) keeps only its identity: the next
        // night hashes it again, or on from where this one read it when it only grew.
        let after = FileStat(path: path)
        var key: String?
        if let before, let after, before.identity == after.identity {
            key = before == after ? before.key(hashedAt: hashedAt) : before.identity
        }
        return InputFile(path: path, displayPath: display, bytes: total, sha256: hasher.finalizeHex(),
                         prefixSHA256: prefixes, isCompressed: compressed, hashing: hashing, statKey: key,
                         finalState: compressed ? nil : state)
    }

    /// SHA-256 and hash state of the first `length` bytes of a fingerprinted file: hashed on from the
    /// state the fingerprint started from when it lies before `length`. No state for a compressed file
    /// (it is not read from an offset).
    public static func prefix(of file: InputFile, length: Int64) throws -> (sha256: String, state: String?) {
        if length == file.bytes { return (file.sha256, file.finalState) }
        var hasher = SHA256Hasher()
        var from: Int64 = 0
        if case let .grown(offset, saved) = file.hashing, offset <= length, let resumed = SHA256Hasher(resuming: saved) {
            hasher = resumed
            from = offset
        }
        try forEachChunk(path: file.path, from: from, limit: length - from) { hasher.update($0) }
        let state = hasher.state
        return (hasher.finalizeHex(), file.isCompressed ? nil : state)
    }

    /// SHA-256 of a file's first 64 KiB before `length` and of the 64 KiB that end there: what must be
    /// unchanged for a grown log to be taken as the loaded one with lines appended (a log truncated
    /// and refilled, as logrotate's `copytruncate` does, differs in both). Nil for a compressed file.
    public static func sampleSHA256(path: String, length: Int64) throws -> String? {
        guard try !isCompressed(path: path) else { return nil }
        let block: Int64 = 64 << 10
        var hasher = SHA256Hasher()
        try forEachChunk(path: path, limit: min(length, block)) { hasher.update($0) }
        if length > block {
            let start = max(block, length - block)
            try forEachChunk(path: path, from: start, limit: length - start) { hasher.update($0) }
        }
        return hasher.finalizeHex()
    }

    static func isCompressed(path: String) throws -> Bool {
        do {
            let stream = try InputByteStream(path: path)
            defer { stream.close() }
            return stream.isCompressed
        } catch let error as InputStreamError {
            throw SalesopsError(.input, "cannot read input file \(path)", cause: error.message)
        }
    }

    /// A file to fingerprint while it is read (``InputFile/Hashing/pending``): its size as `stat` gave it,
    /// nil when it is compressed (its content's size is known only once read). The caller defers the
    /// hash only when no loaded version has that size — the file cannot then be one of them, and must
    /// be read whole whatever its hash.
    public static func unhashed(path: String, projectDir: URL, stat: FileStat) throws -> InputFile? {
        guard try !isCompressed(path: path) else { return nil }
        return InputFile(path: path, displayPath: displayPath(path, in: projectDir), bytes: stat.size, sha256: "",
                         hashing: .pending)
    }

    /// The fingerprint (``fingerprint(path:projectDir:prefixLengths:known:hashedAt:)``, every byte hashed)
    /// of a file taken on another thread while this one reads the file: the hash no longer waits for the
    /// parse, nor the parse for the hash.
    public final class BackgroundFingerprint: @unchecked Sendable {
        /// Written by the hashing thread before it signals `done`; read after waiting for it.
        private var result: Result<InputFile, Error>?
        private let done = DispatchSemaphore(value: 0)
        private var finished = false

        public init(path: String, projectDir: URL) {
            DispatchQueue.global().async { [self] in
                result = Result { try InputFiles.fingerprint(path: path, projectDir: projectDir) }
                done.signal()
            }
        }

        /// Waits for the hash; rethrows the error that stopped it (an unreadable file is an `.input` error).
        public func wait() throws -> InputFile {
            if !finished {
                done.wait()
                finished = true
            }
            return try result!.get()
        }
    }

    /// The path relative to the project folder when inside it, as stored in the warehouse.
    public static func displayPath(_ path: String, in projectDir: URL) -> String {
        let root = projectDir.standardizedFileURL.path + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }

    /// Reads a file's content in 1 MiB chunks from byte `from`, at most `limit` bytes; returns whether it
    /// was compressed.
    @discardableResult
    private static func forEachChunk(path: String, from: Int64 = 0, limit: Int64 = .max,
                                     _ body: (UnsafeRawBufferPointer) -> Void) throws -> Bool {
        let stream: InputByteStream
        do { stream = try InputByteStream(path: path) } catch let error as InputStreamError {
            throw SalesopsError(.input, "cannot read input file \(path)", cause: error.message)
        }
        defer { stream.close() }
        do { try stream.skip(to: from) } catch let error as InputStreamError {
            throw SalesopsError(.input, "cannot read input file \(path)", cause: error.message)
        }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        var left = limit
        while left > 0 {
            let n: Int
            do { n = try stream.read(into: chunk.baseAddress!, count: Int(min(left, Int64(chunk.count)))) } catch let error as InputStreamError {
                throw SalesopsError(.input, "cannot read input file \(path)", cause: error.message)
            }
            if n == 0 { break }
            body(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            left -= Int64(n)
        }
        return stream.isCompressed
    }
}
