import SalesopsCore

/// Groups legs into calls while they stream in, holding only the calls still open.
///
/// A PBX writes a CDR row when a leg ends, so the legs of one call arrive close together. A call is
/// complete once the newest leg end seen is more than `windowSecs` past the call's last leg end;
/// then it is emitted and forgotten. Whatever is open at the end of a source is emitted by
/// ``finish(_:)``. A leg that arrives after its call was emitted makes a second, partial call with the
/// same id: the loader notices the clash and regroups that call from the stored legs.
public final class StreamingCallGrouper {
    private struct Open {
        var legs: [CallLegFacts]
        var lastEnd: Int64

        /// Appends the leg unless the same CDR row (identity hash) is already in the call; false then.
        mutating func append(_ leg: CallLegFacts, end: Int64) -> Bool {
            // Calls have a handful of legs: a linear look is cheaper than a set per call.
            if legs.contains(where: { $0.legHash == leg.legHash }) { return false }
            legs.append(leg)
            lastEnd = max(lastEnd, end)
            return true
        }
    }

    public let grouper: CallGrouper
    public let windowSecs: Int64
    private var open: [String: Open] = [:]
    /// Keys of the open calls in the order they were first seen: calls are emitted in input order,
    /// deterministically, without sorting.
    private var order: [String] = []
    private var newestEnd: Int64 = .min
    private var sinceSweep = 0

    public init(grouper: CallGrouper, windowSecs: Int64 = 3600) {
        self.grouper = grouper
        self.windowSecs = windowSecs
    }

    /// Adds a leg; emits the calls that are complete, each with its legs in arrival order. Returns
    /// false, adding nothing, when the same CDR row is already a leg of its open call (a row repeated
    /// in a file or in overlapping exports read in one run).
    @discardableResult
    public func add(_ leg: CallLegFacts, emit: (Call, [CallLegFacts]) throws -> Void) rethrows -> Bool {
        let end = leg.start + Int64(leg.duration)
        // One hash lookup, modified in place: no copy of the leg array per appended leg.
        var isNew = false
        guard open[leg.callKey, default: { isNew = true; return Open(legs: [], lastEnd: end) }()].append(leg, end: end) else {
            return false
        }
        if isNew { order.append(leg.callKey) }
        newestEnd = max(newestEnd, end)
        sinceSweep += 1
        if sinceSweep >= 4096 {
            sinceSweep = 0
            try sweep(before: newestEnd - windowSecs, emit: emit)
        }
        return true
    }

    /// Emits every open call.
    public func finish(_ emit: (Call, [CallLegFacts]) throws -> Void) rethrows {
        try sweep(before: .max, emit: emit)
        newestEnd = .min
    }

    private func sweep(before watermark: Int64, emit: (Call, [CallLegFacts]) throws -> Void) rethrows {
        var remaining: [String] = []
        remaining.reserveCapacity(order.count)
        for key in order {
            guard let index = open.index(forKey: key) else { continue }
            let group = open.values[index]
            if group.lastEnd < watermark {
                open.remove(at: index)
                try emit(grouper.group(group.legs), group.legs)
            } else {
                remaining.append(key)
            }
        }
        order = remaining
    }
}
