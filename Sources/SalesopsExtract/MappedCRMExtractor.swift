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
    let rows: MappedCSVRows
    var mapping: ColumnMapping { rows.mapping }

    public init(source: SourceConfig, clock: ZoneClock) {
        self.source = source
        self.clock = clock
        pattern = TimestampPattern(source.format.dateFormat)
        rows = MappedCSVRows(source: source)
    }

    public func extract(path: String, displayPath: String, into sink: CRMSink) throws -> ExtractResult {
        try rows.read(path: path, displayPath: displayPath, reject: sink.reject) { row, reject in
            let field = row.field
            let position = row.position
            /// A timestamp field: `.empty` when the cell is empty, `.bad` when it does not follow the pattern.
            enum Stamp { case empty, bad, at(Int64) }
            func time(_ name: String) -> Stamp {
                guard let value = field(name) else { return .empty }
                guard let local = Array(value.utf8).withUnsafeBufferPointer({ pattern.parse($0) }) else { return .bad }
                return .at(clock.utc(fromLocal: local))
            }
            guard let id = field("id") else { return reject("no id") }
            if source.entity == "payments" {
                guard case let .at(paid) = time("paid_at") else {
                    return reject("bad or missing paid_at '\(field("paid_at") ?? "")' (expected \(pattern.text))")
                }
                let amount: Double
                switch Amount.parse(field("amount") ?? "") {
                case let .success(value): amount = value
                case let .failure(error): return reject("amount is \(error.reason)")
                }
                return try sink.accept(.payment(CRMPayment(id: id, dealID: field("deal_id"), responsible: field("responsible"),
                                                           paidAt: paid, amount: amount, currency: field("currency"),
                                                           position: position)))
            }
            guard let stageValue = field("stage") else { return reject("no stage") }
            guard case let .at(created) = time("created_at") else {
                return reject("bad or missing created_at '\(field("created_at") ?? "")' (expected \(pattern.text))")
            }
            var closedAt: Int64?
            switch time("closed_at") {
            case .empty: break
            case .bad: return reject("bad closed_at '\(field("closed_at") ?? "")' (expected \(pattern.text))")
            case let .at(t): closedAt = t
            }
            var amount: Double?
            if let a = field("amount") {
                switch Amount.parse(a) {
                case let .success(value): amount = value
                case let .failure(error): return reject("amount is \(error.reason)")
                }
            }
            let stage = mapping.mapped("stage", stageValue)
            let closedDate = closedAt.map { CivilTime.dateString(days: clock.localDay(ofUTC: $0)) }
            try sink.accept(.deal(CRMDeal(
                id: id, title: field("title") ?? "", pipeline: field("pipeline").map { mapping.mapped("pipeline", $0) } ?? "0",
                stageID: stage, semantic: nil, assignedTo: field("responsible"), amount: amount,
                currency: field("currency"), createdAt: created, closedDate: closedDate, leadID: field("lead_id"),
                position: position)))
        }
    }
}
