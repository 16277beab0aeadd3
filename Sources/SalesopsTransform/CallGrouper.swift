import SalesopsCore

/// Groups the legs of one call key into one ``Call`` (SPEC "Calls").
public struct CallGrouper: Sendable {
    public let effectiveCallSecs: Int
    public let clock: ZoneClock

    public init(effectiveCallSecs: Int, clock: ZoneClock) {
        self.effectiveCallSecs = effectiveCallSecs
        self.clock = clock
    }

    /// Orders legs as the PBX created them: by `sequence`, else start, else file line.
    public static func ordered(_ legs: [CallLegFacts]) -> [CallLegFacts] {
        legs.sorted {
            switch ($0.sequence, $1.sequence) {
            case let (a?, b?) where a != b: return a < b
            default:
                if $0.start != $1.start { return $0.start < $1.start }
                if $0.position.file != $1.position.file { return $0.position.file < $1.position.file }
                return $0.position.line < $1.position.line
            }
        }
    }

    /// The call made of `legs` (all with the same call key; at least one).
    public func group(_ legs: [CallLegFacts]) -> Call {
        let legs = legs.count == 1 ? legs : Self.ordered(legs)
        let first = legs[0]
        // One pass: the first leg with an outside party gives the direction; the answering leg is the
        // first answered leg that reached a rep, else the first answered leg.
        var outside: CallLegFacts?
        var answering: CallLegFacts?
        var answeringHasRep = false
        var anyBusy = false, anyFailed = false
        var firstCallee: String?, firstCaller: String?, firstOutboundCaller: String?
        var start = first.start
        var longest = 0
        for leg in legs {
            if outside == nil && (leg.direction == .inbound || leg.direction == .outbound) { outside = leg }
            switch leg.disposition {
            case .answered:
                if answering == nil || (!answeringHasRep && leg.calleeRep != nil) {
                    answering = leg
                    answeringHasRep = leg.calleeRep != nil
                }
            case .busy: anyBusy = true
            case .failed, .congestion: anyFailed = true
            default: break
            }
            if firstCallee == nil { firstCallee = leg.calleeRep }
            if firstCaller == nil { firstCaller = leg.callerRep }
            if firstOutboundCaller == nil && leg.direction == .outbound { firstOutboundCaller = leg.callerRep }   // nil until a rep
            start = min(start, leg.start)
            longest = max(longest, leg.duration)
        }
        let direction = outside?.direction ?? .internal
        let disposition: CallDisposition = answering != nil ? .answered : anyBusy ? .busy : anyFailed ? .failed : .missed
        let repID: String?
        switch direction {
        case .outbound: repID = firstOutboundCaller ?? firstCaller
        case .inbound: repID = answering?.calleeRep ?? firstCallee
        case .internal: repID = first.callerRep ?? first.calleeRep
        }
        let talk = answering?.billsec ?? 0
        let ring = answering.map { max(0, $0.duration - $0.billsec) } ?? longest
        return Call(
            callID: first.callKey, start: start, localDate: clock.localDateString(ofUTC: start),
            direction: direction, repID: repID, clientPhone: outside?.externalE164,
            rawNumber: outside?.externalRaw, disposition: disposition, ringSecs: ring, talkSecs: talk,
            isEffective: disposition == .answered && talk > effectiveCallSecs, legs: legs.count,
            position: first.position)
    }
}
