import Foundation
import SalesopsCore

/// One input file matched by a source's path glob.
public struct InputFile: Sendable, Equatable {
    /// Absolute path.
    public var path: String
    /// Path relative to the project folder, as stored in the warehouse.
    public var displayPath: String
    public var bytes: Int64
    public var sha256: String
    /// SHA-256 of the first `prefixLength` bytes asked for, when the file is at least that long.
    public var prefixSHA256: String?
}

/// Finds a source's files and fingerprints them.
public enum InputFiles {
    /// Files under `projectDir` matching the POSIX glob `pattern` (`*`, `?`, `[...]` within one path
    /// segment), sorted by path for a deterministic load order.
    public static func match(glob pattern: String, in projectDir: URL) -> [String] {
        let absolute = pattern.hasPrefix("/") ? pattern : projectDir.path + "/" + pattern
        var results: [String] = []
        var g = glob_t()
        defer { globfree(&g) }
        if glob(absolute, 0, nil, &g) == 0 {
            for i in 0..<Int(g.gl_pathc) {
                if let p = g.gl_pathv[i] {
                    let path = String(cString: p)
                    var isDir: ObjCBool = false
                    if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                        results.append(path)
                    }
                }
            }
        }
        return results.sorted()
    }

    /// Size and SHA-256 of a file, read in 1 MiB chunks; with `prefixLength`, also the SHA-256 of that
    /// many first bytes (to tell whether a file only grew since it was loaded), in the same pass.
    public static func fingerprint(path: String, projectDir: URL, prefixLength: Int64? = nil) throws -> InputFile {
        let hasher = SHA256Hasher()
        var prefix: String?
        var total: Int64 = 0
        if prefixLength == 0 { prefix = hasher.snapshotHex() }
        try forEachChunk(path: path) { raw in
            if let cut = prefixLength, prefix == nil, total + Int64(raw.count) >= cut {
                let head = Int(cut - total)
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[0..<head]))
                prefix = hasher.snapshotHex()
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[head...]))
            } else {
                hasher.update(raw)
            }
            total += Int64(raw.count)
        }
        return InputFile(path: path, displayPath: displayPath(path, in: projectDir), bytes: total,
                         sha256: hasher.finalizeHex(), prefixSHA256: prefix)
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

    /// Reads a file in 1 MiB chunks, at most `limit` bytes.
    private static func forEachChunk(path: String, limit: Int64 = .max, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SalesopsError(.input, "cannot open input file \(path)")
        }
        defer { try? handle.close() }
        var left = limit
        while left > 0 {
            let chunk = handle.readData(ofLength: Int(min(left, 1 << 20)))
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes(body)
            left -= Int64(chunk.count)
        }
    }
}
