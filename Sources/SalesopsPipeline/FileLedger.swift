import SalesopsCore
import SalesopsExtract
import SalesopsLoad

/// What to do with one input file.
enum FilePlan: Equatable {
    /// Already loaded; the reason is logged.
    case skip(String)
    /// The file only grew since it was loaded: read the new lines.
    case readFrom(ResumePoint)
    case readWhole
}

/// Which file versions were loaded and where grown files continue: the warehouse's `etl_files`.
struct FileLedger {
    let warehouse: Warehouse
    let runID: Int64

    func lastVersion(path: String) throws -> Warehouse.FileVersion? {
        try warehouse.lastVersion(path: path)
    }

    /// Before any file of a source is read: rows whose file was rotated to a new name follow it.
    func noteRotations(_ files: [(InputFile, Warehouse.FileVersion?)]) throws {
        for (file, previous) in files {
            guard let previous, previous.sha256 != file.sha256,
                  let moved = files.first(where: { $0.0.sha256 == previous.sha256 && $0.0.path != file.path })?.0,
                  try !warehouse.isLoaded(path: moved.displayPath, sha256: moved.sha256) else { continue }
            // `file` was rotated to `moved` (same bytes) and a new `file` started: its rows now live in `moved`.
            try warehouse.relocateRows(from: file.displayPath, to: moved.displayPath)
        }
    }

    /// Decides how to read a file; a file read whole again first forgets the rows it gave before.
    func prepareRead(_ file: InputFile, source: String, previous: Warehouse.FileVersion?, canResume: Bool) throws -> FilePlan {
        if try warehouse.isLoaded(path: file.displayPath, sha256: file.sha256) { return .skip("already loaded") }
        if let other = try warehouse.version(withContent: file.sha256) {
            // A rotated log: the same bytes were loaded under another name. Remember this name too.
            try warehouse.recordFile(path: file.displayPath, sha256: file.sha256, bytes: file.bytes, rows: 0,
                                     source: source, runID: runID, resume: other.resume, resumeSHA256: other.resumeSHA256)
            return .skip("same content already loaded from \(other.path)")
        }
        if canResume, let previous, let point = previous.resume, let expected = previous.resumeSHA256,
           file.bytes > point.offset, file.prefixSHA256 == expected {
            return .readFrom(point)
        }
        if previous != nil { try warehouse.forgetRows(ofFile: file.displayPath) }
        return .readWhole
    }

    func record(_ file: InputFile, source: String, result: ExtractResult) throws {
        // Normally the file ends with a complete line and the resume point is its end; a file whose last
        // line is still being written resumes at that line, so it is read again once complete.
        let resumeSHA = result.resume.offset == file.bytes ? file.sha256
            : try InputFiles.sha256(path: file.path, length: result.resume.offset)
        try warehouse.recordFile(path: file.displayPath, sha256: file.sha256, bytes: file.bytes, rows: result.rows,
                                 source: source, runID: runID, resume: result.resume, resumeSHA256: resumeSHA)
        for warning in result.warnings {
            try warehouse.recordNote(runID: runID, source: source, file: file.displayPath, message: warning)
        }
    }
}
