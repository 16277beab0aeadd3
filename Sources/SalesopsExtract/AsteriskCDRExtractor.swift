import SalesopsCore
import SalesopsCSV

/// Reads Asterisk `cdr_csv` Master.csv: no header, 16 to 21 columns detected by count, every string
/// quoted, unanswered `answer` empty without quotes, raw non-UTF-8 bytes possible in `clid`.
public struct AsteriskCDRExtractor: CallLegExtractor {
    /// Column positions of the optional trailing fields for one column count.
    struct Layout: Equatable {
        var uniqueID: Int?
        var userField: Int?
        var linkedID: Int?
        var sequence: Int?
    }

    public let sourceName: String
    public let clock: ZoneClock
    static let pattern = TimestampPattern.iso

    public init(sourceName: String, clock: ZoneClock) {
        self.sourceName = sourceName
        self.clock = clock
    }

    /// What a first record says when the file is not `cdr_csv`: an Asterisk `cdr_custom` log (19
    /// columns, caller ID first, start in column 9) or a spreadsheet's re-save (quotes gone, dates like
    /// `2020/2/10 22:41`); nil when the record may be `cdr_csv`.
    static func otherLayout(_ record: CSVRecord) -> String? {
        func looksLikeTime(_ i: Int) -> Bool { i < record.count && pattern.parse(record.bytes(i)) != nil }
        // cdr_custom's column 9 is the start (cdr_csv's 9 is lastdata, its 10 the start); its first
        // column is the caller ID (`"Name" <number>`), cdr_csv's the account code.
        if record.count == 19, looksLikeTime(8), record.string(0).contains("<") || !looksLikeTime(9) {
            return "this file is Asterisk cdr_custom (19 columns: caller ID first, the start in column 9), not cdr_csv: "
                + "read it with `type: mapped_csv` and the cdr_custom column mapping shown in the README"
        }
        if record.count >= 10, !looksLikeTime(9) {
            let start = record.string(9)
            if start.contains("/") || (start.count >= 12 && start.count < 19 && start.contains(":")) {
                return "this file was re-saved by a spreadsheet (start '\(start)': quotes and seconds gone), not written by "
                    + "Asterisk: read the PBX's own Master.csv, or map this file with `type: mapped_csv` and its date_format"
            }
        }
        return nil
    }

    /// The layout for a column count; 17 and 20 are told apart by whether column 17 looks like a uniqueid.
    static func layout(count: Int, record: CSVRecord) -> Layout? {
        switch count {
        case 16: return Layout()
        case 17: return looksLikeUniqueID(record.bytes(16)) ? Layout(uniqueID: 16) : Layout(userField: 16)
        case 18: return Layout(uniqueID: 16, userField: 17)
        case 19: return Layout(linkedID: 17, sequence: 18)
        case 20:
            return looksLikeUniqueID(record.bytes(16)) ? Layout(uniqueID: 16, linkedID: 18, sequence: 19)
                : Layout(userField: 16, linkedID: 18, sequence: 19)
        case 21: return Layout(uniqueID: 16, userField: 17, linkedID: 19, sequence: 20)
        default: return nil
        }
    }

    /// `[systemname-]<epoch>.<counter>`.
    static func looksLikeUniqueID(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var dot = false, digitsAfter = 0, digitsBefore = 0
        for b in bytes.reversed() {
            if b >= 0x30 && b <= 0x39 { if dot { digitsBefore += 1 } else { digitsAfter += 1 } }
            else if b == UInt8(ascii: ".") && !dot { dot = true }
            else { break }
        }
        return dot && digitsAfter > 0 && digitsBefore >= 9
    }

    /// cdr_csv has no header: a grown Master.csv is read from where the last run stopped.
    public var supportsResume: Bool { true }

    /// The epoch seconds inside a uniqueid (`[systemname-]<epoch>.<counter>`), if any.
    static func uniqueIDEpoch(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        var start = dot
        while start > 0 && bytes[start - 1] >= 0x30 && bytes[start - 1] <= 0x39 { start -= 1 }
        guard dot - start >= 9 else { return nil }
        return ByteParsing.integer(UnsafeBufferPointer(rebasing: bytes[start..<dot])).map(Int64.init)
    }

    /// Cross-checks the configured time zone: Asterisk writes local time unless `usegmtime=yes`, and
    /// the uniqueid carries the true UTC epoch of the channel, so start − epoch reveals the file's offset.
    struct ZoneCheck {
        var agree = 0
        var disagree: [Int: Int] = [:]

        mutating func add(localNaive: Int64, epoch: Int64, expected: Int) {
            let diff = localNaive - epoch
            guard abs(diff) <= 15 * 3600 else { return }   // a uniqueid from another day: no evidence
            let rounded = Int((Double(diff) / 900).rounded()) * 900
            if rounded == expected { agree += 1 } else { disagree[rounded, default: 0] += 1 }
        }

        func warning(zone: String, expected: Int) -> String? {
            guard let (offset, count) = disagree.max(by: { $0.value < $1.value }), count >= 3, count > agree else {
                return nil
            }
            return "timestamps look like UTC\(Self.format(offset)) (start minus the uniqueid epoch in \(count) rows), "
                + "but the source's time_zone is \(zone) (UTC\(Self.format(expected))): check time_zone "
                + "(Asterisk's usegmtime writes UTC)"
        }

        static func format(_ seconds: Int) -> String {
            let sign = seconds < 0 ? "-" : "+"
            let m = abs(seconds) / 60
            return sign + (m / 60 < 10 ? "0" : "") + "\(m / 60):" + (m % 60 < 10 ? "0" : "") + "\(m % 60)"
        }
    }

    public func extract(path: String, displayPath: String, resume: ResumePoint?, into sink: CallLegSink) throws -> ExtractResult {
        let reader = try CSVReader(path: path, delimiter: UInt8(ascii: ","), offset: resume?.offset ?? 0,
                                   firstLine: resume?.line ?? 1)
        defer { reader.close() }
        var rows = 0
        var zoneCheck = ZoneCheck()
        var lastExpected = 0
        var held = HeldLastLine()
        var sniffed = resume != nil
        try reader.forEachRecord { record in
            if !sniffed, record.brokenReason == nil {
                // A file in another layout is one located finding, not a reject per row.
                sniffed = true
                if let other = Self.otherLayout(record) {
                    throw SalesopsError(.input, other, position: SourcePosition(file: displayPath, line: record.line))
                }
            }
            rows += 1
            let position = SourcePosition(file: displayPath, line: record.line)
            func reject(_ reason: String) {
                if held.holds(record, rows: &rows) { return }
                sink.reject(Reject(position: position, reason: reason, raw: TextDecoding.decodeLenient(record.raw)))
            }
            if let reason = record.brokenReason { return reject(reason) }
            guard let layout = Self.layout(count: record.count, record: record) else {
                return reject("wrong column count \(record.count) (cdr_csv has 16 to 21)")
            }
            guard let startLocal = Self.pattern.parse(record.bytes(9)) else {
                return reject("bad start timestamp '\(record.string(9))'")
            }
            var answer: Int64?
            if !record.isEmpty(10) {
                guard let a = Self.pattern.parse(record.bytes(10)) else {
                    return reject("bad answer timestamp '\(record.string(10))'")
                }
                answer = clock.utc(fromLocal: a)
            }
            guard let duration = ByteParsing.integer(record.bytes(12)) else {
                return reject("duration is not a number: '\(record.string(12))'")
            }
            guard let billsec = ByteParsing.integer(record.bytes(13)) else {
                return reject("billsec is not a number: '\(record.string(13))'")
            }
            guard duration >= 0, billsec >= 0 else {
                return reject("negative duration (\(duration)) or billsec (\(billsec))")
            }
            let start = clock.utc(fromLocal: startLocal)
            if let u = layout.uniqueID, let epoch = Self.uniqueIDEpoch(record.bytes(u)) {
                lastExpected = clock.offset(atUTC: start)
                zoneCheck.add(localNaive: startLocal, epoch: epoch, expected: lastExpected)
            }
            let dst = record.bytes(2)
            if dst.count == 1 && dst[0] == UInt8(ascii: "h") { return sink.filter(reason: "hangup_extension", at: position) }
            let amaflags = record.bytes(15)
            if amaflags.elementsEqual("OMIT".utf8) { return sink.filter(reason: "amaflags_omit", at: position) }
            var sequence: Int?
            if let s = layout.sequence { sequence = ByteParsing.integer(record.bytes(s)) }
            let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
            try sink.accept(bytes: CallLegBytes(
                position: position, source: sourceName,
                uniqueID: layout.uniqueID.map { record.bytes($0) } ?? none,
                linkedID: layout.linkedID.map { record.bytes($0) } ?? none,
                sequence: sequence, src: record.bytes(1), dst: dst, dcontext: record.bytes(3),
                channel: record.bytes(5), dstChannel: record.bytes(6), lastApp: record.bytes(7),
                start: start, answer: answer, duration: duration, billsec: billsec,
                disposition: LegDisposition(asterisk: record.bytes(14)), clid: .raw(record.bytes(4))))
        }
        let warning = zoneCheck.warning(zone: clock.timeZone.identifier, expected: lastExpected)
        return ExtractResult(rows: rows, resume: ResumePoint(offset: reader.resumeOffset, line: reader.resumeLine + 1),
                             warnings: held.warnings + (warning.map { [$0] } ?? []))
    }
}
