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

    /// What fingerprinting may take from a path's last loaded version instead of reading the file.
    static func known(_ v: Warehouse.FileVersion?) -> InputFiles.KnownVersion? {
        v.map { InputFiles.KnownVersion(sha256: $0.sha256, bytes: $0.bytes, statKey: $0.statKey, resumeOffset: $0.resume?.offset,
                                        resumeSHA256: $0.resumeSHA256, resumeState: $0.resumeState, resumeSample: $0.resumeSample) }
    }

    /// The prefix lengths to hash while fingerprinting a file of a source: where its own last version
    /// and every other resumable version of the source may be read on from.
    static func prefixLengths(previous: Warehouse.FileVersion?, others: [Warehouse.FileVersion]) -> Set<Int64> {
        var cuts = Set(others.compactMap { $0.resume?.offset })
        if let own = previous?.resume?.offset { cuts.insert(own) }
        return cuts
    }

    /// Whether `file` holds the loaded version `v` and more: its first bytes hash to `v`'s resume point.
    static func continues(_ file: InputFile, _ v: Warehouse.FileVersion) -> Bool {
        guard let point = v.resume, let expected = v.resumeSHA256 else { return false }
        return file.bytes > point.offset && file.prefixSHA256[point.offset] == expected
    }

    /// The loaded version that `file` only grew from, if any: its own last version first, else the
    /// longest version of another path of the source (a log moved or rotated, maybe compressed, after
    /// more lines were appended to it).
    static func grownFrom(_ file: InputFile, previous: Warehouse.FileVersion?, others: [Warehouse.FileVersion]) -> Warehouse.FileVersion? {
        if let previous, continues(file, previous) { return previous }
        return others.filter { $0.path != file.displayPath && continues(file, $0) }
            .max { ($0.resume?.offset ?? 0, $1.path) < ($1.resume?.offset ?? 0, $0.path) }
    }

    /// Before any file of a source is read: rows whose file was rotated to a new name (the same bytes,
    /// or more of them, maybe compressed) follow it, for provenance. Nothing is forgotten here.
    func noteRotations(_ files: [(InputFile, Warehouse.FileVersion?)]) throws {
        for (file, previous) in files {
            guard let previous, previous.sha256 != file.sha256, !Self.continues(file, previous) else { continue }
            // `file` no longer holds what was loaded from it: find the file that does now.
            guard let moved = files.first(where: { other in
                other.0.path != file.path && (other.0.sha256 == previous.sha256 || Self.continues(other.0, previous))
            })?.0, try !warehouse.isLoaded(path: moved.displayPath, sha256: moved.sha256) else { continue }
            try warehouse.relocateRows(from: file.displayPath, to: moved.displayPath)
        }
    }

    /// Decides how to read a file. Facts loaded from a file version are history: a file read whole
    /// again (rewritten, truncated, replaced by a new log) adds what is new and upserts the rest on
    /// natural keys; nothing it gave before is forgotten (only `run --forget FILE` does that).
    func prepareRead(_ file: InputFile, source: String, previous: Warehouse.FileVersion?,
                     others: [Warehouse.FileVersion], canResume: Bool) throws -> FilePlan {
        // A size no loaded version has: no version it is, none it continues.
        if file.hashing == .pending { return .readWhole }
        if try warehouse.isLoaded(path: file.displayPath, sha256: file.sha256) {
            if file.hashing == .unchanged { return .skip("already loaded (unchanged since)") }
            if let key = file.statKey { try warehouse.noteStatKey(path: file.displayPath, sha256: file.sha256, statKey: key) }
            return .skip("already loaded")
        }
        if let other = try warehouse.version(withContent: file.sha256) {
            // A rotated log: the same bytes were loaded under another name. Remember this name too.
            var copy = other
            copy.path = file.displayPath
            copy.statKey = file.statKey
            try warehouse.recordFile(copy, rows: 0, source: source, runID: runID)
            return .skip("same content already loaded from \(other.path)")
        }
        if canResume, let from = Self.grownFrom(file, previous: previous, others: others), let point = from.resume {
            return .readFrom(point)
        }
        return .readWhole
    }

    func record(_ file: InputFile, source: String, result: ExtractResult) throws {
        // Normally the file ends with a complete line and the resume point is its end; a file whose last
        // line is still being written resumes at that line, so it is read again once complete.
        // The hash state there lets the next night hash only what is appended.
        let prefix = try InputFiles.prefix(of: file, length: result.resume.offset)
        let sample = try InputFiles.sampleSHA256(path: file.path, length: result.resume.offset)
        try warehouse.recordFile(Warehouse.FileVersion(path: file.displayPath, sha256: file.sha256, bytes: file.bytes,
                                                       resume: result.resume, resumeSHA256: prefix.sha256, statKey: file.statKey,
                                                       resumeState: prefix.state, resumeSample: sample),
                                 rows: result.rows, source: source, runID: runID)
        for warning in result.warnings {
            try warehouse.recordNote(runID: runID, source: source, file: file.displayPath, message: warning)
        }
    }
}
