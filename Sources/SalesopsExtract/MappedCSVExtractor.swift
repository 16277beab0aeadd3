import SalesopsCore
import SalesopsCSV

/// Reads any PBX's CSV through a column mapping from the pipeline file: delimiter, encoding, header,
/// timestamp pattern and value tables (a Sipuni-style `;`, Russian-header, windows-1251 export is the
/// reference). One row is one call leg; the source may state direction and who answered.
public struct MappedCSVExtractor: CallLegExtractor {
    public let source: SourceConfig
    public let clock: ZoneClock
    let pattern: TimestampPattern
    let mapping: ColumnMapping

    public init(source: SourceConfig, clock: ZoneClock) {
        self.source = source
        self.clock = clock
        pattern = TimestampPattern(source.format.dateFormat)
        mapping = ColumnMapping(source: source)
    }

    func resolveColumns(header: [String]?) throws -> [String: Int] { try mapping.resolve(header: header) }
    func mapped(_ field: String, _ value: String) -> String { mapping.mapped(field, value) }

    public func extract(path: String, displayPath: String, resume: ResumePoint?, into sink: CallLegSink) throws -> ExtractResult {
        precondition(resume == nil, "a file with a header row is always read whole")
        let reader = try CSVReader(path: path, delimiter: source.format.delimiter)
        defer { reader.close() }
        var rows = 0
        var columns: [String: Int]? = source.format.header ? nil : try resolveColumns(header: nil)
        var needed = columns?.values.max() ?? 0   // the highest mapped column index
        let encoding = source.format.encoding
        var held = HeldLastLine()
        try reader.forEachRecord { record in
            func text(_ index: Int) -> String { TextDecoding.decode(record.bytes(index), encoding: encoding) }
            guard let col = columns else {
                do {
                    columns = try resolveColumns(header: (0..<record.count).map(text))
                    needed = columns?.values.max() ?? 0
                } catch var error as SalesopsError {
                    error.position = SourcePosition(file: displayPath, line: record.line)
                    throw error
                }
                return
            }
            rows += 1
            let position = SourcePosition(file: displayPath, line: record.line)
            func reject(_ reason: String) {
                if held.holds(record, rows: &rows) { return }
                sink.reject(Reject(position: position, reason: reason,
                                   raw: TextDecoding.decode(record.raw, encoding: encoding)))
            }
            if let reason = record.brokenReason { return reject(reason) }
            guard record.count > needed else {
                return reject("wrong column count \(record.count) (the mapping needs \(needed + 1))")
            }
            func field(_ name: String) -> String { col[name].map { text($0).trimmingSpaces } ?? "" }
            guard let startLocal = pattern.parse(record.bytes(col["started_at"]!)) else {
                return reject("bad timestamp '\(field("started_at"))' (expected \(pattern.text))")
            }
            var numbers: [String: Int] = [:]
            for name in ["duration", "billsec"] {
                guard let index = col[name] else { numbers[name] = 0; continue }
                guard let value = record.isEmpty(index) ? 0 : ByteParsing.integer(record.bytes(index)) else {
                    return reject("\(name) is not a number: '\(field(name))'")
                }
                guard value >= 0 else { return reject("negative \(name) (\(value))") }
                numbers[name] = value
            }
            let duration = numbers["duration"]!, billsec = numbers["billsec"]!
            var disposition: LegDisposition = billsec > 0 ? .answered : .noAnswer
            if col["disposition"] != nil {
                let value = mapped("disposition", field("disposition"))
                guard let d = LegDisposition(rawValue: value) else {
                    return reject("unknown disposition '\(field("disposition"))' (map it under values.disposition)")
                }
                disposition = d
            }
            var direction: CallDirection?
            if col["direction"] != nil {
                let value = mapped("direction", field("direction"))
                guard let d = CallDirection(rawValue: value) else {
                    return reject("unknown direction '\(field("direction"))' (map it under values.direction)")
                }
                direction = d
            }
            let start = clock.utc(fromLocal: startLocal)
            let leg = CallLeg(
                position: position, source: source.name, uniqueID: field("call_id"),
                sequence: col["sequence"].flatMap { ByteParsing.integer(record.bytes($0)) },
                src: field("src"), dst: field("dst"), did: field("did"), start: start,
                answer: disposition == .answered ? start + Int64(max(0, duration - billsec)) : nil,
                duration: max(duration, billsec), billsec: billsec, disposition: disposition,
                declaredDirection: direction, answeredBy: field("answered_by"))
            try sink.accept(leg)
        }
        return ExtractResult(rows: rows, resume: ResumePoint(offset: reader.resumeOffset, line: reader.resumeLine + 1),
                             warnings: held.warnings)
    }
}

/// A mapped source's columns (`columns`: field → header name or 1-based number) and value tables
/// (`values`: field → source value → canonical value, matched trimmed and case-insensitively).
struct ColumnMapping {
    let source: SourceConfig
    let values: [String: [String: String]]

    init(source: SourceConfig) {
        self.source = source
        values = source.values.mapValues { table in
            Dictionary(table.map { ($0.key.trimmingSpaces.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Resolves mapped columns to 0-based indexes from the header (names compared trimmed and
    /// case-insensitively) or from 1-based numbers.
    func resolve(header: [String]?) throws -> [String: Int] {
        var out: [String: Int] = [:]
        let normalizedHeader = header?.map { $0.trimmingSpaces.lowercased() }
        for (field, column) in source.columns {
            if let number = Int(column), number >= 1 {
                out[field] = number - 1
            } else if let index = normalizedHeader?.firstIndex(of: column.trimmingSpaces.lowercased()) {
                out[field] = index
            } else {
                throw SalesopsError(.input, "column '\(column)' for field '\(field)' is not in the header of source '\(source.name)'")
            }
        }
        return out
    }

    func mapped(_ field: String, _ value: String) -> String {
        let key = value.trimmingSpaces
        guard let table = values[field] else { return key }
        return table[key.lowercased()] ?? key
    }
}
