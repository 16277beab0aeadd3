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

    /// Size and SHA-256 of a file's content, read in 1 MiB chunks; also, in the same pass, the SHA-256
    /// of the first `n` bytes for every `n` in `prefixLengths` that the content reaches.
    public static func fingerprint(path: String, projectDir: URL, prefixLengths: Set<Int64> = []) throws -> InputFile {
        let hasher = SHA256Hasher()
        var cuts = prefixLengths.filter { $0 >= 0 }.sorted()[...]
        var prefixes: [Int64: String] = [:]
        var total: Int64 = 0
        let compressed = try forEachChunk(path: path) { raw in
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
        return InputFile(path: path, displayPath: displayPath(path, in: projectDir), bytes: total,
                         sha256: hasher.finalizeHex(), prefixSHA256: prefixes, isCompressed: compressed)
    }

    /// The path relative to the project folder when inside it, as stored in the warehouse.
    public static func displayPath(_ path: String, in projectDir: URL) -> String {
        let root = projectDir.standardizedFileURL.path + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }

    /// SHA-256 of the first `length` bytes of a file.
    public static func sha256(path: String, length: Int64) throws -> String {
        let hasher = SHA256Hasher()
        try forEachChunk(path: path, limit: length) { hasher.update($0) }
        return hasher.finalizeHex()
    }

    /// Reads a file's content in 1 MiB chunks, at most `limit` bytes; returns whether it was compressed.
    @discardableResult
    private static func forEachChunk(path: String, limit: Int64 = .max, _ body: (UnsafeRawBufferPointer) -> Void) throws -> Bool {
        let stream: InputByteStream
        do { stream = try InputByteStream(path: path) } catch let error as InputStreamError {
            throw SalesopsError(.input, "cannot read input file \(path)", cause: error.message)
        }
        defer { stream.close() }
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
