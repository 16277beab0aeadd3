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
             callerKind, calleeKind, callerRep, calleeRep, externalRaw, externalE164, srcFile, source, unmatched

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

    /// Encodes `legs` (in the order given) for a call whose own `src_file` is `file` and `source` is
    /// `source`, replacing the contents of `out`.
    public static func encode(_ legs: [CallLegFacts], file: String, source: String, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        // Within one leg's array: values written so far, and `null`s held back until a value follows.
        var count = 0
        var heldNulls = 0
        func separate() {
            for _ in 0..<heldNulls {
                if count > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])   // null
                count += 1
            }
            heldNulls = 0
            if count > 0 { out.append(UInt8(ascii: ",")) }
            count += 1
        }
        func int(_ value: Int64?) {
            guard let value else { heldNulls += 1; return }
            separate()
            if value < 0 { out.append(UInt8(ascii: "-")) }
            var magnitude = value.magnitude
            var divisor: UInt64 = 1
            while magnitude / divisor >= 10 { divisor *= 10 }
            repeat {
                out.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
                magnitude %= divisor
                divisor /= 10
            } while divisor > 0
        }
        func text(_ value: String?) {
            guard var value else { heldNulls += 1; return }
            separate()
            out.append(UInt8(ascii: "\""))
            value.withUTF8 { bytes in
                for b in bytes {
                    switch b {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                        out.append(UInt8(ascii: "\\"))
                        out.append(b)
                    case 0..<0x20:
                        out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                                hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]])
                    default:
                        out.append(b)
                    }
                }
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "["))
        for (i, leg) in legs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            count = 0
            heldNulls = 0
            int(Int64(leg.position.line)); int(leg.runID); int(leg.legHash); int(leg.sequence.map(Int64.init))
            int(leg.start); int(Int64(leg.duration)); int(Int64(leg.billsec))
            text(leg.disposition.rawValue); text(leg.direction.rawValue)
            text(leg.callerKind.rawValue); text(leg.calleeKind.rawValue)
            text(leg.callerRep); text(leg.calleeRep); text(leg.externalRaw); text(leg.externalE164)
            text(leg.position.file == file ? nil : leg.position.file)
            text(leg.source == source ? nil : leg.source)
            text(leg.unmatched)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
