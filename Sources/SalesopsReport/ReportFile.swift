import Foundation
import SalesopsCore

/// A report file is written whole under its final name or not at all: into a new temporary file in
/// the same folder (created exclusively, owner-only, never through a planted symlink), checked, then
/// renamed over the old file in one step (`rename(2)`), so a reader sees the old or the new workbook,
/// never a part of one, and a kill at any point leaves no report missing.
enum ReportFile {
    /// Prefix of the temporary names, for the cleanup of files a killed writer left behind.
    static let temporaryMarker = ".salesops-tmp-"

    /// Calls `write` with a fresh temporary path next to `path`; when it returns, renames the file to
    /// `path`. On any error the temporary file is removed and the error rethrown: `path` is untouched.
    static func replace(_ path: String, write: (String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        removeAbandoned(in: folder, name: url.lastPathComponent)
        // A new name, created exclusively (never through a planted link); its mode is what the
        // process umask allows (owner-only by default), like every file a run writes.
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<8 where fd < 0 {
            temporary = "\(folder)/\(temporaryMarker)\(url.lastPathComponent).\(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF)"
            fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o666)
            if fd < 0 && errno != EEXIST { break }
        }
        guard fd >= 0 else {
            throw SalesopsError(.report, "cannot create a temporary file in \(folder)", cause: String(cString: strerror(errno)))
        }
        close(fd)
        do {
            try write(temporary)
            guard rename(temporary, path) == 0 else {
                throw SalesopsError(.report, "cannot rename the finished workbook to \(path)", cause: String(cString: strerror(errno)))
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Removes temporary files of `name` left by a writer that was killed more than an hour ago (a
    /// report being written now by another process is younger).
    static func removeAbandoned(in folder: String, name: String) {
        let prefix = temporaryMarker + name + "."
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let cutoff = Date().addingTimeInterval(-3600)
        for entry in entries where entry.hasPrefix(prefix) {
            let path = folder + "/" + entry
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
                  Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec)) < cutoff else { continue }
            unlink(path)
        }
    }
}
