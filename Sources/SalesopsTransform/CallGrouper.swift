import SalesopsCore

/// Groups the legs of one call key into one ``Call`` (SPEC "Calls").
public struct CallGrouper: Sendable {
    public let effectiveCallSecs: Int
    public let clock: ZoneClock

    public init(effectiveCallSecs: Int, clock: ZoneClock) {
        self.effectiveCallSecs = effectiveCallSecs
        self.clock = clock
    }

    /// Orders legs as the PBX created them: by `sequence`, else start, else file line. Legs that
    /// arrive in that order (most calls) are returned as they are, without a sorted copy.
    public static func ordered(_ legs: [CallLegFacts]) -> [CallLegFacts] {
        func before(_ x: CallLegFacts, _ y: CallLegFacts) -> Bool {
            switch (x.sequence, y.sequence) {
            case let (a?, b?) where a != b: return a < b
            default:
                if x.start != y.start { return x.start < y.start }
                if x.position.file != y.position.file { return x.position.file < y.position.file }
                return x.position.line < y.position.line
            }
        }
        if !legs.indices.dropFirst().contains(where: { before(legs[$0], legs[$0 - 1]) }) { return legs }
        return legs.sorted(by: before)
    }

    /// The call made of `legs` (all with the same call key; at least one). The answer is the first leg,
    /// in PBX order, answered by a person (``CallLegFacts/reachesPerson``); the talk time is the union
    /// of the answered intervals `[end − billsec, end]` of such legs, so a `Local` `;1`/`;2` pair counts
    /// once, a transfer adds its later legs and billsec 0 adds nothing; the ring time runs from the
    /// call's start to that answer.
    public func group(_ legs: [CallLegFacts]) -> Call {
        let legs = legs.count == 1 ? legs : Self.ordered(legs)
        let first = legs[0]
        var outside: CallLegFacts?
        var answering: CallLegFacts?
        // Most calls have one answered leg: the first interval is kept apart, no array per call.
        var firstTalk: (from: Int64, to: Int64)?
        var moreTalk: [(from: Int64, to: Int64)] = []
        var anyBusy = false, anyFailed = false
        var firstCallee: String?, firstCaller: String?, firstOutboundCaller: String?
        var start = first.start
        var lastEnd = first.start
        for leg in legs {
            if outside == nil && (leg.direction == .inbound || leg.direction == .outbound) { outside = leg }
            switch leg.disposition {
            case .answered where leg.reachesPerson:
                if answering == nil { answering = leg }
                if leg.billsec > 0 {
                    let end = leg.start + Int64(leg.duration)
                    let interval = (from: end - Int64(leg.billsec), to: end)
                    if firstTalk == nil { firstTalk = interval } else { moreTalk.append(interval) }
                }
            case .busy: anyBusy = true
            case .failed, .congestion: anyFailed = true
            default: break
            }
            if firstCallee == nil { firstCallee = leg.calleeRep }
            if firstCaller == nil { firstCaller = leg.callerRep }
            if firstOutboundCaller == nil && leg.direction == .outbound { firstOutboundCaller = leg.callerRep }   // nil until a rep
            start = min(start, leg.start)
            lastEnd = max(lastEnd, leg.start + Int64(leg.duration))
        }
        let direction = outside?.direction ?? .internal
        let disposition: CallDisposition = answering != nil ? .answered : anyBusy ? .busy : anyFailed ? .failed : .missed
        let repID: String?
        switch direction {
        case .outbound: repID = firstOutboundCaller ?? firstCaller
        // Answered: whoever answered (NULL when that was no rep: another PBX, an unknown extension);
        // missed: the rep whose phone rang first.
        case .inbound: repID = answering.map { $0.calleeRep } ?? firstCallee
        case .internal: repID = first.callerRep ?? first.calleeRep
        }
        let talk = firstTalk.map { first in moreTalk.isEmpty ? Int(first.to - first.from) : Self.unionLength([first] + moreTalk) } ?? 0
        let ring: Int
        if let answering {
            ring = Int(max(0, answering.start + Int64(answering.duration) - Int64(answering.billsec) - start))
        } else {
            ring = Int(lastEnd - start)   // a missed call rang (or waited) for its whole duration
        }
        return Call(
            callID: first.callKey, start: start, localDate: clock.localDateString(ofUTC: start),
            direction: direction, repID: repID, clientPhone: outside?.externalE164,
            rawNumber: outside?.externalRaw, disposition: disposition, ringSecs: ring, talkSecs: talk,
            isEffective: disposition == .answered && talk > effectiveCallSecs, legs: legs.count,
            position: first.position)
    }

    /// Seconds covered by a set of intervals, overlaps counted once.
    static func unionLength(_ intervals: [(from: Int64, to: Int64)]) -> Int {
        guard intervals.count > 1 else { return intervals.first.map { Int($0.to - $0.from) } ?? 0 }
        var total: Int64 = 0
        var current: (from: Int64, to: Int64)?
        for interval in intervals.sorted(by: { $0.from < $1.from }) {
            if let c = current, interval.from <= c.to {
                current = (c.from, max(c.to, interval.to))
            } else {
                if let c = current { total += c.to - c.from }
                current = interval
            }
        }
        if let c = current { total += c.to - c.from }
        return Int(total)
    }
}
