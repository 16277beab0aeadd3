import SalesopsCSV

/// A file's last line without a line end that does not parse is held, not rejected: a PBX or an
/// export may still be writing it. It is neither counted nor rejected; the resume point stays before
/// it, so the next night reads it once it is complete (a rejected half line used to stay in
/// `rejects` after its completed row loaded). A last line without a line end that parses is loaded
/// as usual (many exports end that way).
struct HeldLastLine {
    private(set) var line: Int?

    /// True when `record` is the unterminated last line: it is then held and `rows` uncounted.
    mutating func holds(_ record: CSVRecord, rows: inout Int) -> Bool {
        guard record.isUnterminated else { return false }
        line = record.line
        rows -= 1
        return true
    }

    /// The finding for the file's notes, when a line was held.
    var warnings: [String] {
        line.map { ["line \($0) has no line end yet and does not parse: held until it is complete"] } ?? []
    }
}
