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
        let legs = Self.ordered(legs)
        let first = legs[0]
        // Direction: from the first leg that involves an outside party; internal when none does.
        let outside = legs.first { $0.direction == .inbound || $0.direction == .outbound }
        let direction = outside?.direction ?? .internal
        let disposition: CallDisposition
        if legs.contains(where: { $0.disposition == .answered }) { disposition = .answered }
        else if legs.contains(where: { $0.disposition == .busy }) { disposition = .busy }
        else if legs.contains(where: { $0.disposition == .failed || $0.disposition == .congestion }) { disposition = .failed }
        else { disposition = .missed }
        let answered = legs.filter { $0.disposition == .answered }
        let answering = answered.first { $0.calleeRep != nil } ?? answered.first
        let repID: String?
        switch direction {
        case .outbound:
            repID = (legs.first { $0.direction == .outbound && $0.callerRep != nil } ?? first).callerRep
                ?? legs.first { $0.callerRep != nil }?.callerRep
        case .inbound:
            repID = answering?.calleeRep ?? legs.first { $0.calleeRep != nil }?.calleeRep
        case .internal:
            repID = first.callerRep ?? first.calleeRep
        }
        let talk = answering?.billsec ?? 0
        let ring = answering.map { max(0, $0.duration - $0.billsec) } ?? (legs.map(\.duration).max() ?? 0)
        let start = legs.map(\.start).min() ?? first.start
        return Call(
            callID: first.callKey, start: start, localDate: clock.localDateString(ofUTC: start),
            direction: direction, repID: repID, clientPhone: outside?.externalE164,
            rawNumber: outside?.externalRaw, disposition: disposition, ringSecs: ring, talkSecs: talk,
            isEffective: disposition == .answered && talk > effectiveCallSecs, legs: legs.count,
            position: first.position)
    }
}
