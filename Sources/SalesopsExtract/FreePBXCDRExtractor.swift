import SalesopsCore
import SalesopsCSV

/// Reads the FreePBX "CDR Reports" CSV download: a header row of lower-case column names (26 in current
/// versions, 16 in old ones), PHP `fputcsv` quoting (a `\"` in a value is kept as
/// written: PHP does not double a quote after a backslash, and the backslash is data), numeric `amaflags`.
public struct FreePBXCDRExtractor: CallLegExtractor {
    public let sourceName: String
    public let clock: ZoneClock
    static let required = ["calldate", "src", "dst", "duration", "billsec", "disposition"]

    public init(sourceName: String, clock: ZoneClock) {
        self.sourceName = sourceName
        self.clock = clock
    }

    public func extract(path: String, displayPath: String, resume: ResumePoint?, into sink: CallLegSink) throws -> ExtractResult {
        precondition(resume == nil, "a file with a header row is always read whole")
        let reader = try CSVReader(path: path, delimiter: UInt8(ascii: ","))
        defer { reader.close() }
        var rows = 0
        var columns: [String: Int]?
        var width = 0
        var held = HeldLastLine()
        try reader.forEachRecord { record in
            guard let col = columns else {
                var map: [String: Int] = [:]
                for i in 0..<record.count { map[record.string(i).lowercased()] = i }
                let missing = Self.required.filter { map[$0] == nil }
                guard missing.isEmpty else {
                    throw SalesopsError(.input, "not a FreePBX CDR export: header lacks \(missing.joined(separator: ", "))",
                                        position: SourcePosition(file: displayPath, line: record.line))
                }
                columns = map
                width = record.count
                return
            }
            rows += 1
            let position = SourcePosition(file: displayPath, line: record.line)
            func reject(_ reason: String) {
                if held.holds(record, rows: &rows) { return }
                sink.reject(Reject(position: position, reason: reason, raw: TextDecoding.decodeLenient(record.raw)))
            }
            if let reason = record.brokenReason { return reject(reason) }
            guard record.count == width else {
                return reject("wrong column count \(record.count) (header has \(width))")
            }
            func text(_ name: String) -> String {
                guard let i = col[name] else { return "" }
                return TextDecoding.decodeLenient(record.bytes(i))
            }
            guard let startLocal = TimestampPattern.iso.parse(record.bytes(col["calldate"]!)) else {
                return reject("bad calldate '\(text("calldate"))'")
            }
            guard let duration = ByteParsing.integer(record.bytes(col["duration"]!)),
                  let billsec = ByteParsing.integer(record.bytes(col["billsec"]!)) else {
                return reject("duration or billsec is not a number")
            }
            guard duration >= 0, billsec >= 0 else {
                return reject("negative duration (\(duration)) or billsec (\(billsec))")
            }
            let dst = text("dst")
            if dst == "h" { return sink.filter(reason: "hangup_extension", at: position) }
            if text("amaflags") == "1" { return sink.filter(reason: "amaflags_omit", at: position) }
            let start = clock.utc(fromLocal: startLocal)
            let leg = CallLeg(
                position: position, source: sourceName, uniqueID: text("uniqueid"), linkedID: text("linkedid"),
                sequence: col["sequence"].flatMap { ByteParsing.integer(record.bytes($0)) },
                src: text("src"), dst: dst, dcontext: text("dcontext"), clid: text("clid"),
                channel: text("channel"), dstChannel: text("dstchannel"), lastApp: text("lastapp"),
                did: text("did"), start: start,
                answer: billsec > 0 ? start + Int64(duration - billsec) : nil,
                duration: duration, billsec: billsec, disposition: LegDisposition(asterisk: record.bytes(col["disposition"]!)))
            try sink.accept(leg)
        }
        return ExtractResult(rows: rows, resume: ResumePoint(offset: reader.resumeOffset, line: reader.resumeLine + 1),
                             warnings: held.warnings)
    }
}
