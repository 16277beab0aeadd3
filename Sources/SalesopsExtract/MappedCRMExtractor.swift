import SalesopsCore
import SalesopsCSV

/// Reads another CRM's deals export (amoCRM, HubSpot, Pipedrive…), or a payments export (`entity:
/// payments`, e.g. from accounting), through a column mapping. Deals: `id`, `title`, `pipeline`,
/// `stage`, `amount`, `currency`, `responsible`, `created_at`, `closed_at`, `lead_id`, stage and
/// pipeline values mapped to the funnel's ids under `values`. Payments: `id`, `deal_id`, `paid_at`,
/// `amount`, `currency`, `responsible`. Timestamps follow `format.date_format` in the source's zone.
public struct MappedCRMExtractor: CRMExtractor {
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

    public func extract(path: String, displayPath: String, into sink: CRMSink) throws -> ExtractResult {
        let reader = try CSVReader(path: path, delimiter: source.format.delimiter)
        defer { reader.close() }
        var rows = 0
        var columns: [String: Int]? = source.format.header ? nil : try mapping.resolve(header: nil)
        let encoding = source.format.encoding
        try reader.forEachRecord { record in
            func text(_ i: Int) -> String { TextDecoding.decode(record.bytes(i), encoding: encoding).trimmingSpaces }
            guard let col = columns else {
                do { columns = try mapping.resolve(header: (0..<record.count).map(text)) } catch var error as SalesopsError {
                    error.position = SourcePosition(file: displayPath, line: record.line)
                    throw error
                }
                return
            }
            rows += 1
            let position = SourcePosition(file: displayPath, line: record.line)
            func field(_ name: String) -> String? {
                guard let i = col[name], i < record.count else { return nil }
                let value = text(i)
                return value.isEmpty ? nil : value
            }
            func reject(_ reason: String) {
                sink.reject(Reject(position: position, reason: reason, raw: TextDecoding.decode(record.raw, encoding: encoding)))
            }
            func time(_ name: String) -> Int64?? {
                guard let value = field(name) else { return .some(nil) }
                guard let local = value.utf8.withContiguousStorageIfAvailable({ pattern.parse($0) }) ?? Array(value.utf8)
                        .withUnsafeBufferPointer({ pattern.parse($0) }) else { return nil }
                return clock.utc(fromLocal: local)
            }
            guard let id = field("id") else { return reject("no id") }
            if source.entity == "payments" {
                guard let paidAt = time("paid_at"), let paid = paidAt else {
                    return reject("bad or missing paid_at '\(field("paid_at") ?? "")' (expected \(pattern.text))")
                }
                guard let a = field("amount"), let amount = Double(a.filter { $0 != " " && $0 != "\u{A0}" }
                    .replacingOccurrences(of: ",", with: ".")) else {
                    return reject("amount is not a number: '\(field("amount") ?? "")'")
                }
                return try sink.accept(.payment(CRMPayment(id: id, dealID: field("deal_id"), responsible: field("responsible"),
                                                           paidAt: paid, amount: amount, currency: field("currency"),
                                                           position: position)))
            }
            guard let stageValue = field("stage") else { return reject("no stage") }
            guard let createdAt = time("created_at"), let created = createdAt else {
                return reject("bad or missing created_at '\(field("created_at") ?? "")' (expected \(pattern.text))")
            }
            guard let closedAt = time("closed_at") else {
                return reject("bad closed_at '\(field("closed_at") ?? "")' (expected \(pattern.text))")
            }
            var amount: Double?
            if let a = field("amount") {
                guard let v = Double(a.filter { $0 != " " && $0 != "\u{A0}" }.replacingOccurrences(of: ",", with: ".")) else {
                    return reject("amount is not a number: '\(a)'")
                }
                amount = v
            }
            let stage = mapping.mapped("stage", stageValue)
            let closedDate = closedAt.map { CivilTime.dateString(days: clock.localDay(ofUTC: $0)) }
            try sink.accept(.deal(CRMDeal(
                id: id, title: field("title") ?? "", pipeline: field("pipeline").map { mapping.mapped("pipeline", $0) } ?? "0",
                stageID: stage, semantic: nil, assignedTo: field("responsible"), amount: amount,
                currency: field("currency"), createdAt: created, closedDate: closedDate, leadID: field("lead_id"),
                position: position)))
        }
        return ExtractResult(rows: rows, resume: ResumePoint(offset: reader.resumeOffset, line: reader.resumeLine + 1))
    }
}
