import SalesopsCore
import SalesopsCSV

/// The data rows of a mapped CSV file (a CRM or payments export, an access-control log): the header
/// resolved to the mapped columns (or numbered columns without one), each row's fields decoded and
/// trimmed. A broken row is a located reject; an unterminated last line that does not parse is held.
struct MappedCSVRows {
    let source: SourceConfig
    let mapping: ColumnMapping

    init(source: SourceConfig) {
        self.source = source
        mapping = ColumnMapping(source: source)
    }

    /// One data row, valid inside the callback that receives it.
    struct Row {
        let record: CSVRecord
        let columns: [String: Int]
        let encoding: TextEncodingName
        let position: SourcePosition

        /// A mapped field, decoded and trimmed; nil when unmapped or empty.
        func field(_ name: String) -> String? {
            guard let i = columns[name], i < record.count else { return nil }
            let value = TextDecoding.decode(record.bytes(i), encoding: encoding).trimmingSpaces
            return value.isEmpty ? nil : value
        }
    }

    /// Calls `body` with each data row and the function that rejects it with a reason.
    func read(path: String, displayPath: String, reject: (Reject) -> Void,
              _ body: (Row, (String) -> Void) throws -> Void) throws -> ExtractResult {
        // The reader's callback may escape; these are called only while it reads.
        try withoutActuallyEscaping(reject) { reject in
            try withoutActuallyEscaping(body) { body in try read(path: path, displayPath: displayPath, reject, body) }
        }
    }

    private func read(path: String, displayPath: String, _ reject: @escaping (Reject) -> Void,
                      _ body: @escaping (Row, (String) -> Void) throws -> Void) throws -> ExtractResult {
        let reader = try CSVReader(path: path, delimiter: source.format.delimiter)
        defer { reader.close() }
        var rows = 0
        var columns: [String: Int]? = source.format.header ? nil : try mapping.resolve(header: nil)
        let encoding = source.format.encoding
        var held = HeldLastLine()
        try reader.forEachRecord { record in
            guard let col = columns else {
                let header = (0..<record.count).map { TextDecoding.decode(record.bytes($0), encoding: encoding).trimmingSpaces }
                do { columns = try mapping.resolve(header: header) } catch var error as SalesopsError {
                    error.position = SourcePosition(file: displayPath, line: record.line)
                    throw error
                }
                return
            }
            rows += 1
            let position = SourcePosition(file: displayPath, line: record.line)
            func rejectRow(_ reason: String) {
                if held.holds(record, rows: &rows) { return }
                reject(Reject(position: position, reason: reason, raw: TextDecoding.decode(record.raw, encoding: encoding)))
            }
            if let reason = record.brokenReason { return rejectRow(reason) }
            try body(Row(record: record, columns: col, encoding: encoding, position: position), rejectRow)
        }
        return ExtractResult(rows: rows, resume: ResumePoint(offset: reader.resumeOffset, line: reader.resumeLine + 1),
                             warnings: held.warnings)
    }
}
