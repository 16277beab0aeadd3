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
}

/// Finds a source's files and fingerprints them.
public enum InputFiles {
    /// Files under `projectDir` matching `glob` (`*`, `?`, `[...]` per path segment; `**` for any
    /// depth), sorted by path for a deterministic load order.
    public static func match(glob: String, in projectDir: URL) -> [String] {
        let absolute = glob.hasPrefix("/") ? glob : projectDir.path + "/" + glob
        var results: [String] = []
        var g = glob_t()
        defer { globfree(&g) }
        if Glob.run(absolute, &g) == 0 {
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

    /// Size and SHA-256 of a file, read in 1 MiB chunks.
    public static func fingerprint(path: String, projectDir: URL) throws -> InputFile {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SalesopsError(.input, "cannot open input file \(path)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total: Int64 = 0
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            total += Int64(chunk.count)
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        let prefix = projectDir.standardizedFileURL.path + "/"
        let display = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
        return InputFile(path: path, displayPath: display, bytes: total, sha256: hasher.finalizeHex())
    }
}

enum Glob {
    static func run(_ pattern: String, _ g: inout glob_t) -> Int32 {
        glob(pattern, 0, nil, &g)
    }
}
