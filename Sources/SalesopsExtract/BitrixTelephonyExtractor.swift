import SalesopsCore
import SalesopsJSON

/// Reads saved `voximplant.statistic.get` responses: the calls of Bitrix24's own telephony (its SIP
/// connector or rented numbers), one record per call (FORMATS §1.9). `CALL_TYPE` 1 outgoing and 4
/// callback are outbound, 2 and 3 inbound, 5 informational is filtered; `CALL_FAILED_CODE` 200 is
/// answered, 304 missed, 486 busy, 603/603-S declined (missed when inbound, failed when outbound),
/// anything else failed; the talk time is `CALL_DURATION` of an answered call; the rep is
/// `PORTAL_USER_ID` through `reps[].crm_user_ids`; the client is `PHONE_NUMBER`. A PBX integrated with
/// Bitrix24 registers its calls there too (`CALL_ID` `externalCall.…`): they are filtered, counted,
/// unless `external_calls: keep` (when the pipeline does not read that PBX's own log).
public struct BitrixTelephonyExtractor: CallLegExtractor {
    public let sourceName: String
    public let clock: ZoneClock
    public let keepExternalCalls: Bool
    /// Reads a record's fields as the CRM dumps are read (string scalars, dates with offsets).
    let fields: BitrixRESTExtractor

    public init(sourceName: String, clock: ZoneClock, keepExternalCalls: Bool) {
        self.sourceName = sourceName
        self.clock = clock
        self.keepExternalCalls = keepExternalCalls
        fields = BitrixRESTExtractor(method: "voximplant.statistic.get", clock: clock)
    }

    /// The prefix under which a CRM user id stands in a leg's `src` or `answeredBy` (the resolver maps
    /// it to the rep whose `crm_user_ids` hold it).
    public static let crmUserPrefix = "crm-user:"

    public func extract(path: String, displayPath: String, resume: ResumePoint?, into sink: CallLegSink) throws -> ExtractResult {
        try BitrixRESTExtractor.readRecords(path: path, displayPath: displayPath, reject: sink.reject) { value, position, _ in
            do {
                if let leg = try leg(value, position) { try sink.accept(leg) }
            } catch let filtered as Filtered {
                sink.filter(reason: filtered.reason, at: position)
            }
        }
    }

    struct Filtered: Error { var reason: String }

    func leg(_ v: JSONValue, _ p: SourcePosition) throws -> CallLeg? {
        guard case .object = v else { throw BitrixRESTExtractor.Bad(reason: "a record is not a JSON object") }
        let callID = try fields.text(v, "CALL_ID") ?? fields.required(v, "ID")
        if callID.hasPrefix("externalCall."), !keepExternalCalls {
            throw Filtered(reason: "registered by an integrated PBX (read from its own log)")
        }
        let type = try fields.required(v, "CALL_TYPE")
        let direction: CallDirection
        switch type {
        case "1", "4": direction = .outbound
        case "2", "3": direction = .inbound
        case "5": throw Filtered(reason: "informational call")
        default: throw BitrixRESTExtractor.Bad(reason: "unknown CALL_TYPE '\(type)'")
        }
        let start = try fields.time(v, "CALL_START_DATE", required: true)!
        let durationText = fields.text(v, "CALL_DURATION") ?? "0"
        guard let duration = Int(durationText), duration >= 0, duration < 86_400 * 2 else {
            throw BitrixRESTExtractor.Bad(reason: "CALL_DURATION is not a duration: '\(durationText)'")
        }
        let disposition: LegDisposition
        switch fields.text(v, "CALL_FAILED_CODE") ?? "" {
        case "200": disposition = .answered
        case "304": disposition = .noAnswer
        case "486": disposition = .busy
        case "603", "603-S": disposition = direction == .inbound ? .noAnswer : .failed
        default: disposition = .failed
        }
        let client = fields.text(v, "PHONE_NUMBER") ?? ""
        let user = fields.text(v, "PORTAL_USER_ID").map { Self.crmUserPrefix + $0 } ?? ""
        let line = fields.text(v, "PORTAL_NUMBER") ?? ""
        return CallLeg(position: p, source: sourceName, uniqueID: "b24:" + callID, src: direction == .outbound ? user : client,
                       dst: direction == .outbound ? client : line, start: start, duration: duration,
                       billsec: disposition == .answered ? duration : 0, disposition: disposition,
                       declaredDirection: direction, answeredBy: direction == .inbound ? user : "")
    }
}
