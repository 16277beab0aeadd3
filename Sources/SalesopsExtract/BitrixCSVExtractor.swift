import SalesopsCore
import SalesopsCSV

/// Reads Bitrix24 UI exports ("Экспорт в CSV") of deals or leads: `;`, every value quoted, a trailing
/// `;`, UTF-8 with a BOM or windows-1251 (detected per value), Russian or English captions, display
/// names instead of ids (mapped back through ``CRMNames``), `dd.mm.yyyy hh:mm:ss` in the portal's time
/// zone, and one line per product row of a deal (collapsed into one deal whose amount is their sum).
public struct BitrixCSVExtractor: CRMExtractor {
    public enum Entity: String { case deals, leads }

    public let entity: Entity
    public let clock: ZoneClock
    public let names: CRMNames

    public init(entity: Entity, clock: ZoneClock, names: CRMNames) {
        self.entity = entity
        self.clock = clock
        self.names = names
    }

    /// Caption (RU and EN, lower-cased) → field.
    static let captions: [String: String] = [
        "id": "id",
        "название сделки": "title", "deal name": "title", "название лида": "title", "lead name": "title",
        "стадия сделки": "stage", "stage": "stage", "направление": "pipeline", "pipeline": "pipeline",
        "сумма": "amount", "income": "amount", "возможная сумма": "amount", "opportunity": "amount",
        "валюта": "currency", "currency": "currency",
        "ответственный": "responsible", "responsible": "responsible",
        "дата создания": "created", "created": "created", "дата изменения": "modified", "modified": "modified",
        "сделка закрыта": "closed", "closed": "closed",
        "предполагаемая дата закрытия": "close_date", "assumed close date": "close_date",
        "товар": "product", "product": "product", "цена": "price", "price": "price", "количество": "quantity", "quantity": "quantity",
        "статус": "status", "status": "status", "дополнительно о статусе": "status_description",
        "status information": "status_description", "источник": "source", "source": "source",
        "телефон": "phone", "phone": "phone", "рабочий телефон": "phone", "мобильный телефон": "phone",
        "домашний телефон": "phone", "другой телефон": "phone", "work phone": "phone", "mobile": "phone",
        "e-mail": "email", "email": "email", "рабочий e-mail": "email", "частный e-mail": "email", "другой e-mail": "email",
        "work e-mail": "email", "лид": "lead", "lead": "lead",
    ]

    static let currencies = ["российский рубль": "RUB", "russian ruble": "RUB", "рубль": "RUB", "доллар сша": "USD",
                             "us dollar": "USD", "евро": "EUR", "euro": "EUR"]

    struct Bad: Error { var reason: String }

    public func extract(path: String, displayPath: String, into sink: CRMSink) throws -> ExtractResult {
        let reader = try CSVReader(path: path, delimiter: UInt8(ascii: ";"))
        defer { reader.close() }
        var rows = 0
        var header: [Int: [String]]?   // column → fields (phones and addresses may have several columns)
        var pending: (deal: CRMDeal, lines: Int)?
        func flush() throws {
            if let p = pending { try sink.accept(.deal(p.deal)) }
            pending = nil
        }
        var held = HeldLastLine()
        try reader.forEachRecord { record in
            func text(_ i: Int) -> String {
                var bytes = record.bytes(i)
                if record.line == 1 && i == 0 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                    bytes = UnsafeBufferPointer(rebasing: bytes[3...])
                }
                return TextDecoding.decodeLenient(bytes).trimmingSpaces
            }
            guard let columns = header else {
                var map: [Int: [String]] = [:]
                for i in 0..<record.count {
                    if let field = Self.captions[text(i).lowercased()] { map[i, default: []].append(field) }
                }
                header = map
                return
            }
            rows += 1
            var fields: [String: [String]] = [:]
            for (i, names) in columns where i < record.count {
                let value = text(i)
                guard !value.isEmpty else { continue }
                for name in names { fields[name, default: []].append(value) }
            }
            let position = SourcePosition(file: displayPath, line: record.line)
            do {
                if let reason = record.brokenReason { throw Bad(reason: reason) }
                switch entity {
                case .deals:
                    let deal = try self.deal(fields, position)
                    if let p = pending, p.deal.id == deal.id, fields["product"] != nil {
                        // Another product row of the same deal: its amount adds up; the line counts as loaded.
                        pending!.deal.amount = (p.deal.amount ?? 0) + (deal.amount ?? 0)
                        pending!.lines += 1
                        sink.filter(reason: "product_row", at: position)
                    } else {
                        try flush()
                        pending = (deal, 1)
                    }
                case .leads:
                    try flush()
                    try sink.accept(.lead(try lead(fields, position)))
                }
            } catch let bad as Bad {
                if held.holds(record, rows: &rows) { return }
                sink.reject(Reject(position: position, reason: bad.reason, raw: TextDecoding.decodeLenient(record.raw)))
            }
        }
        try flush()
        return ExtractResult(rows: rows, resume: ResumePoint(offset: reader.resumeOffset, line: reader.resumeLine + 1),
                             warnings: held.warnings)
    }

    func one(_ f: [String: [String]], _ key: String) -> String? { f[key]?.first }

    func required(_ f: [String: [String]], _ key: String, _ caption: String) throws -> String {
        guard let v = one(f, key) else { throw Bad(reason: "no \(caption)") }
        return v
    }

    /// `dd.mm.yyyy[ hh:mm[:ss]]` in the portal's time zone.
    func time(_ text: String) throws -> Int64 {
        let b = Array(text.utf8)
        func num(_ from: Int, _ n: Int) -> Int? { ByteParsing.digits(b, from: from, count: n) }
        guard b.count >= 10, let d = num(0, 2), b[2] == UInt8(ascii: "."), let m = num(3, 2), b[5] == UInt8(ascii: "."),
              let y = num(6, 4), (1...12).contains(m), d >= 1, d <= CivilTime.daysInMonth(year: y, month: m) else {
            throw Bad(reason: "not a date (dd.mm.yyyy hh:mm:ss): '\(text)'")
        }
        var seconds = 0
        if b.count > 10 {
            guard b[10] == 0x20, let h = num(11, 2), b.count >= 16, b[13] == UInt8(ascii: ":"), let mi = num(14, 2), h < 24, mi < 60 else {
                throw Bad(reason: "not a date (dd.mm.yyyy hh:mm:ss): '\(text)'")
            }
            seconds = h * 3600 + mi * 60
            if b.count >= 19, b[16] == UInt8(ascii: ":"), let s = num(17, 2), s < 60 { seconds += s }
        }
        return clock.utc(fromLocal: Int64(CivilTime.daysFromCivil(year: y, month: m, day: d)) * 86_400 + Int64(seconds))
    }

    func amount(_ text: String?) throws -> Double? {
        guard let text else { return nil }
        switch Amount.parse(text) {
        case let .success(value): return value
        case let .failure(error): throw Bad(reason: "the amount is \(error.reason)")
        }
    }

    func deal(_ f: [String: [String]], _ p: SourcePosition) throws -> CRMDeal {
        let pipelineName = one(f, "pipeline")
        let pipeline = pipelineName.map { names.pipelines[CRMNames.key($0)] ?? $0 } ?? "0"
        let stageName = try required(f, "stage", "stage (Стадия сделки)")
        guard let stage = names.stage(stageName, pipeline: pipeline) else {
            throw Bad(reason: "unknown stage '\(stageName)' in pipeline \(pipeline) (load crm.status.list first or name it in funnels)")
        }
        var amount = try self.amount(one(f, "amount"))
        if f["product"] != nil, let price = try self.amount(one(f, "price")), let quantity = try self.amount(one(f, "quantity")) {
            amount = price * quantity
        }
        let closed = one(f, "closed").map { ["да", "yes", "y"].contains($0.lowercased()) } ?? false
        let currency = one(f, "currency").map { Self.currencies[$0.lowercased()] ?? $0 }
        return CRMDeal(
            id: try required(f, "id", "ID"), title: one(f, "title") ?? "", pipeline: pipeline, stageID: stage, semantic: nil,
            assignedTo: one(f, "responsible").map { names.users[CRMNames.key($0)] ?? $0 }, amount: amount, currency: currency,
            createdAt: try time(try required(f, "created", "creation date")),
            closedDate: closed ? try one(f, "close_date").map(date) : nil,
            leadID: one(f, "lead"), movedAt: try one(f, "modified").map(time), position: p)
    }

    func lead(_ f: [String: [String]], _ p: SourcePosition) throws -> CRMLead {
        let statusName = try required(f, "status", "status (Статус)")
        guard let status = names.leadStatuses[CRMNames.key(statusName)] else {
            throw Bad(reason: "unknown lead status '\(statusName)' (load crm.status.list first)")
        }
        // Multi-value cells are joined with ", ".
        func values(_ key: String) -> [String] {
            (f[key] ?? []).flatMap { $0.split(separator: ",").map { String($0).trimmingSpaces } }.filter { !$0.isEmpty }
        }
        return CRMLead(
            id: try required(f, "id", "ID"), title: one(f, "title") ?? "", createdAt: try time(try required(f, "created", "creation date")),
            assignedTo: one(f, "responsible").map { names.users[CRMNames.key($0)] ?? $0 },
            sourceID: one(f, "source").map { names.sources[CRMNames.key($0)] ?? $0 }, statusID: status, semantic: nil,
            statusDescription: one(f, "status_description") ?? "", phones: values("phone"), emails: values("email"),
            // A UI export has no close or move time: its modification time is the latest the status changed.
            movedAt: try one(f, "modified").map(time), position: p)
    }

    /// The calendar date of `dd.mm.yyyy[ …]` as `yyyy-mm-dd`, as written (no zone conversion).
    func date(_ text: String) throws -> String {
        _ = try time(text)   // validates
        let parts = text.prefix(10).split(separator: ".")
        return "\(parts[2])-\(parts[1])-\(parts[0])"
    }
}
