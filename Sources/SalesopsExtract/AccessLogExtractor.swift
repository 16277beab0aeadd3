import SalesopsCore
import SalesopsCSV

/// Reads an access-control (turnstile, door) export through a column mapping (`kind: worktime, type:
/// mapped_csv`): `person` (a badge id or a name), the time as `at` or as `date` and `time` columns
/// (joined with a space before `format.date_format` reads them), `direction` (in/out; `вход`/`выход`
/// and `entry`/`exit` are known, other words through `values.direction`) and an optional `door`.
public struct AccessLogExtractor: CRMExtractor {
    public let source: SourceConfig
    public let clock: ZoneClock
    let pattern: TimestampPattern
    let rows: MappedCSVRows
    var mapping: ColumnMapping { rows.mapping }

    /// The usual words for the two directions, beside the pipeline's own `values.direction`.
    static let directions: [String: AccessEvent.Direction] = [
        "in": .in, "entry": .in, "enter": .in, "вход": .in, "входящий": .in, "1": .in,
        "out": .out, "exit": .out, "выход": .out, "исходящий": .out, "2": .out,
    ]

    public init(source: SourceConfig, clock: ZoneClock) {
        self.source = source
        self.clock = clock
        pattern = TimestampPattern(source.format.dateFormat)
        rows = MappedCSVRows(source: source)
    }

    public func extract(path: String, displayPath: String, into sink: CRMSink) throws -> ExtractResult {
        try rows.read(path: path, displayPath: displayPath, reject: sink.reject) { row, reject in
            let field = row.field
            guard let person = field("person") else { return reject("no person") }
            let stamp = field("at") ?? [field("date"), field("time")].compactMap { $0 }.joined(separator: " ")
            guard let local = Array(stamp.utf8).withUnsafeBufferPointer({ pattern.parse($0) }) else {
                return reject("bad or missing time '\(stamp)' (expected \(pattern.text))")
            }
            guard let word = field("direction") else { return reject("no direction") }
            let mapped = mapping.mapped("direction", word).lowercased()
            guard let direction = AccessEvent.Direction(rawValue: mapped) ?? Self.directions[mapped] else {
                return reject("direction '\(word)' is neither in nor out (map it under values.direction)")
            }
            let day = Int(CivilTime.floorDiv(local, 86_400))
            try sink.accept(.access(AccessEvent(person: person, at: clock.utc(fromLocal: local), day: day,
                                                second: Int(local - Int64(day) * 86_400), direction: direction,
                                                door: field("door") ?? "", position: row.position)))
        }
    }
}
