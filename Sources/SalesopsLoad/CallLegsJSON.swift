import SalesopsCore

/// The legs of a call as stored in `calls.legs_json`: a JSON array with one array per leg, read back
/// by the `call_legs` view and by regrouping.
///
/// One row per call instead of one per leg halves the rows a load inserts, and SQLite's JSON
/// functions still give analysts every leg. Positions in a leg's array (``Field``) are part of the
/// stored format; `src_file` and `source` are `null` when they equal the call's own, and trailing
/// `null`s are left out.
public enum CallLegsJSON {
    /// Position of each fact in a leg's array.
    public enum Field: Int, CaseIterable {
        case srcLine = 0, runID, legHash, sequence, startEpoch, duration, billsec, disposition, direction,
             callerKind, calleeKind, callerRep, calleeRep, externalRaw, externalE164, srcFile, source, unmatched,
             notPerson

        /// The `call_legs` column the field is read into.
        public var column: String {
            switch self {
            case .srcLine: return "src_line"
            case .runID: return "run_id"
            case .legHash: return "leg_hash"
            case .sequence: return "sequence"
            case .startEpoch: return "start_epoch"
            case .duration: return "duration"
            case .billsec: return "billsec"
            case .disposition: return "disposition"
            case .direction: return "direction"
            case .callerKind: return "caller_kind"
            case .calleeKind: return "callee_kind"
            case .callerRep: return "caller_rep"
            case .calleeRep: return "callee_rep"
            case .externalRaw: return "external_raw"
            case .externalE164: return "external_e164"
            case .srcFile: return "src_file"
            case .source: return "source"
            case .unmatched: return "unmatched"
            case .notPerson: return "not_person"
            }
        }
    }

    /// SQL for the leg columns of `json_each` rows `leg` over legs stored with the row `owner`
    /// (which has `call_id`, `src_file` and `source`), in ``Field`` order, then `call_id`.
    public static func columns(leg: String, owner: String) -> String {
        Field.allCases.map { f -> String in
            switch f {
            case .srcFile, .source: return "COALESCE(\(leg).value ->> \(f.rawValue), \(owner).\(f.column)) AS \(f.column)"
            default: return "\(leg).value ->> \(f.rawValue) AS \(f.column)"
            }
        }.joined(separator: ", ") + ", \(owner).call_id AS call_id"
    }

    /// A growable byte buffer the encoder writes into, reused call after call (no allocation per call).
    public final class Buffer {
        private(set) var base: UnsafeMutablePointer<UInt8>
        private(set) var count = 0
        private var capacity: Int

        public init(capacity: Int = 4096) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        deinit { base.deallocate() }

        /// The bytes written since the last ``reset()``, valid until the next write.
        public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

        public func reset() { count = 0 }

        @inline(__always)
        func reserve(_ n: Int) {
            guard count + n > capacity else { return }
            var grown = capacity * 2
            while grown < count + n { grown *= 2 }
            let new = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            new.update(from: base, count: count)
            base.deallocate()
            base = new
            capacity = grown
        }

        @inline(__always)
        func append(_ byte: UInt8) {
            reserve(1)
            base[count] = byte
            count += 1
        }

        @inline(__always)
        func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
            reserve(bytes.count)
            (base + count).update(from: source, count: bytes.count)
            count += bytes.count
        }

        func append(_ literal: StaticString) {
            append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }

        /// A decimal integer.
        @inline(__always)
        func append(decimal value: Int64) {
            reserve(20)
            if value < 0 { base[count] = UInt8(ascii: "-"); count += 1 }
            var magnitude = value.magnitude
            var digits = 1
            var limit: UInt64 = 10
            while digits < 20 && magnitude >= limit {
                digits += 1
                if limit > UInt64.max / 10 { break }
                limit *= 10
            }
            var i = count + digits - 1
            repeat {
                base[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
                i -= 1
            } while magnitude > 0
            count += digits
        }

        /// A JSON string (quotes and escapes added).
        func append(jsonString value: String) {
            var value = value
            value.withUTF8 { bytes in
                append(UInt8(ascii: "\""))
                var clean = true
                for b in bytes where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { clean = false; break }
                if clean {
                    append(bytes)
                } else {
                    for b in bytes {
                        switch b {
                        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                            append(UInt8(ascii: "\\"))
                            append(b)
                        case 0..<0x20:
                            append("\\u00")
                            append(CallLegsJSON.hexDigits[Int(b >> 4)])
                            append(CallLegsJSON.hexDigits[Int(b & 15)])
                        default:
                            append(b)
                        }
                    }
                }
                append(UInt8(ascii: "\""))
            }
        }
    }

    /// Encodes `legs` (in the order given) for a call whose own `src_file` is `file` and `source` is
    /// `source`, replacing the contents of `out`.
    public static func encode(_ legs: [CallLegFacts], file: String, source: String, into out: Buffer) {
        out.reset()
        out.append(UInt8(ascii: "["))
        for (i, leg) in legs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            var fields = LegFields(out: out)
            fields.int(Int64(leg.position.line)); fields.int(leg.runID); fields.int(leg.legHash)
            fields.int(leg.sequence.map(Int64.init)); fields.int(leg.start); fields.int(Int64(leg.duration))
            fields.int(Int64(leg.billsec))
            fields.code(leg.disposition.json); fields.code(leg.direction.json)
            fields.code(leg.callerKind.json); fields.code(leg.calleeKind.json)
            fields.text(leg.callerRep); fields.text(leg.calleeRep); fields.text(leg.externalRaw); fields.text(leg.externalE164)
            fields.text(leg.position.file == file ? nil : leg.position.file)
            fields.text(leg.source == source ? nil : leg.source)
            fields.text(leg.unmatched)
            fields.int(leg.reachesPerson ? nil : 1)   // absent (legs stored before it existed, too): reaches a person
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// One leg's array being written: values so far, and `null`s held back until a value follows
    /// (trailing `null`s are left out). A struct, not captured variables: no run-time exclusivity
    /// check per field.
    struct LegFields {
        let out: Buffer
        var count = 0
        var heldNulls = 0

        mutating func separate() {
            for _ in 0..<heldNulls {
                if count > 0 { out.append(UInt8(ascii: ",")) }
                out.append("null")
                count += 1
            }
            heldNulls = 0
            if count > 0 { out.append(UInt8(ascii: ",")) }
            count += 1
        }

        mutating func int(_ value: Int64?) {
            guard let value else { heldNulls += 1; return }
            separate()
            out.append(decimal: value)
        }

        mutating func text(_ value: String?) {
            guard let value else { heldNulls += 1; return }
            separate()
            out.append(jsonString: value)
        }

        mutating func code(_ literal: StaticString) {
            separate()
            out.append(literal)
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

// The JSON text of each code, written without building a string.
extension LegDisposition {
    var json: StaticString {
        switch self {
        case .answered: return "\"answered\""
        case .noAnswer: return "\"no_answer\""
        case .busy: return "\"busy\""
        case .failed: return "\"failed\""
        case .congestion: return "\"congestion\""
        case .cancel: return "\"cancel\""
        case .unknown: return "\"unknown\""
        }
    }
}

extension CallDirection {
    var json: StaticString {
        switch self {
        case .inbound: return "\"inbound\""
        case .outbound: return "\"outbound\""
        case .internal: return "\"internal\""
        }
    }
}

extension PartyKind {
    var json: StaticString {
        switch self {
        case .rep: return "\"rep\""
        case .company: return "\"company\""
        case .external: return "\"external\""
        }
    }
}
