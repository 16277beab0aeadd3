import SalesopsCore

/// Resolves the two ends of a leg against the roster: which rep, which company number, which client,
/// and the leg's direction. Unmatched extensions are reported so data quality can count them.
public struct CallLegResolver: Sendable {
    let normalizer: PhoneNormalizer
    /// Extension or SIP peer name → rep id.
    let extensions: ByteKeyMap
    /// DID (as written and in E.164) → rep id.
    let dids: ByteKeyMap
    /// Company numbers owned by no rep (as written and in E.164), each mapped to itself.
    let companyNumbers: ByteKeyMap

    public init(config: ProjectConfig) {
        let normalizer = PhoneNormalizer(maxExtensionDigits: config.company.maxExtensionDigits)
        self.normalizer = normalizer
        var extensions: [String: String] = [:]
        var dids: [String: String] = [:]
        for rep in config.reps {
            for ext in rep.extensions { extensions[ext] = rep.id }
            // Bitrix24 telephony names the rep by CRM user id (see BitrixTelephonyExtractor).
            for id in rep.crmUserIDs { extensions["crm-user:" + id] = rep.id }
            for did in rep.dids {
                dids[did] = rep.id
                if let e164 = normalizer.normalize(did).e164 { dids[e164] = rep.id }
            }
        }
        self.extensions = ByteKeyMap(extensions)
        self.dids = ByteKeyMap(dids)
        var company: [String: String] = [:]
        for number in config.company.companyNumbers {
            company[number] = number
            if let e164 = normalizer.normalize(number).e164 { company[e164] = e164 }
        }
        companyNumbers = ByteKeyMap(company)
    }

    /// One end of a leg after resolution.
    public struct Party: Sendable, Equatable {
        public var kind: PartyKind
        public var repID: String?
        /// The number as written (for an external end) or the unmatched extension.
        public var raw: String
        public var e164: String?
        /// An extension-like number that is not in the roster.
        public var unmatchedExtension: Bool
    }

    /// A resolved leg: facts to store plus the unmatched numbers seen.
    public struct Resolved: Sendable, Equatable {
        public var facts: CallLegFacts
        public var direction: CallDirection
        /// Extensions or numbers of the company side that matched no rep.
        public var unmatched: [String]
    }

    /// The peer name of a channel: `SIP/101-0000000a` → `101`, `PJSIP/101-00000002` → `101`,
    /// `Local/101@from-queue-00000001;1` → `101`.
    public static func peer(ofChannel channel: String) -> String {
        var utf8 = channel
        return utf8.withUTF8 { CallLegBytes.text(peer(ofChannel: $0)) }
    }

    /// The bytes of a channel's peer name (a slice of `channel`).
    static func peer(ofChannel bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return bytes }
        var end = bytes.count
        if let at = bytes[(slash + 1)...].firstIndex(of: UInt8(ascii: "@")) {
            end = at
        } else {
            if let semi = bytes[(slash + 1)...].lastIndex(of: UInt8(ascii: ";")) { end = semi }
            if let dash = bytes[(slash + 1)..<end].lastIndex(of: UInt8(ascii: "-")) { end = dash }
        }
        return UnsafeBufferPointer(rebasing: bytes[(slash + 1)..<end])
    }

    /// Dialplan contexts that carry calls from outside (`from-pstn`, `from-trunk`, …).
    static let inboundContexts: [[UInt8]] = ["from-pstn", "from-trunk", "from-external", "from-did", "incoming"]
        .map { Array($0.utf8) }

    static func isInboundContext(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        inboundContexts.contains { needle in
            guard needle.count <= bytes.count else { return false }
            for i in 0...(bytes.count - needle.count) where bytes[i] == needle[0] {
                var j = 1
                while j < needle.count && bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            return false
        }
    }

    static let noBytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

    func party(number: UnsafeBufferPointer<UInt8>, channel: UnsafeBufferPointer<UInt8>) -> Party {
        let peer = channel.isEmpty ? Self.noBytes : Self.peer(ofChannel: channel)
        if let rep = extensions[bytes: peer] {
            return Party(kind: .rep, repID: rep, raw: CallLegBytes.text(peer), e164: nil, unmatchedExtension: false)
        }
        if let rep = extensions[bytes: number] {
            return Party(kind: .rep, repID: rep, raw: CallLegBytes.text(number), e164: nil, unmatchedExtension: false)
        }
        let text = CallLegBytes.text(number)
        // (text that is not ASCII is normalised as decoded, invalid bytes repaired, as an owned leg's)
        let parsed = TextDecoding.isASCII(number) ? normalizer.normalize(utf8: number) : normalizer.normalize(text)
        switch parsed {
        case let .extension(ext):
            return Party(kind: .company, repID: nil, raw: ext, e164: nil, unmatchedExtension: true)
        case let .e164(e164):
            if let rep = dids[bytes: number] ?? dids[e164] {
                return Party(kind: .rep, repID: rep, raw: text, e164: e164, unmatchedExtension: false)
            }
            if companyNumbers[bytes: number] != nil || companyNumbers[e164] != nil {
                return Party(kind: .company, repID: nil, raw: text, e164: e164, unmatchedExtension: false)
            }
            return Party(kind: .external, repID: nil, raw: text, e164: e164, unmatchedExtension: false)
        case .local, .unknown:
            if let rep = dids[bytes: number] {
                return Party(kind: .rep, repID: rep, raw: text, e164: nil, unmatchedExtension: false)
            }
            if companyNumbers[bytes: number] != nil {
                return Party(kind: .company, repID: nil, raw: text, e164: nil, unmatchedExtension: false)
            }
            if case .unknown = parsed, number.isEmpty || number.contains(where: { $0 > 0x39 }) {
                // `s`, `anonymous`, IVR names: a dialplan target inside the company, or a hidden caller.
                return Party(kind: .company, repID: nil, raw: text, e164: nil, unmatchedExtension: false)
            }
            return Party(kind: .external, repID: nil, raw: text, e164: nil, unmatchedExtension: false)
        }
    }

    /// Whether a channel is a `Local/` channel: the PBX dialling on someone's behalf (a queue, a ring
    /// group, follow-me), not a person.
    static func isLocal(_ channel: UnsafeBufferPointer<UInt8>) -> Bool { channel.starts(with: "Local/".utf8) }

    /// Whether the PBX connected the leg to a person: it has a `dstchannel` (a phone, a SIP peer, a
    /// trunk, or the `Local/<member>` half of a queue or ring group, answered only when the member
    /// answers — its `;2` twin, when the log has one, covers the same seconds and counts once). A leg
    /// with a calling channel and no `dstchannel` was answered by an application (voicemail,
    /// playback, an IVR, a post-dial `Hangup`); a source that gives no channels at all (an exported
    /// list of calls) is taken at its word.
    static func reachesPerson(_ leg: CallLegBytes) -> Bool {
        if leg.channel.isEmpty && leg.dstChannel.isEmpty { return true }
        return !leg.dstChannel.isEmpty
    }

    /// ``resolve(_:)-(CallLegBytes)`` for an owned leg.
    public func resolve(_ leg: CallLeg) -> Resolved { leg.withBytes { resolve($0) } }

    /// Resolves a leg. A hidden or non-numeric caller on an inbound context is treated as external.
    /// In a row whose calling channel is `Local/` (a queue or ring-group member being rung, the
    /// `;2` half), the caller is `src` — the member is the callee, in `dstchannel`.
    public func resolve(_ leg: CallLegBytes) -> Resolved {
        var caller = party(number: leg.src, channel: Self.isLocal(leg.channel) ? Self.noBytes : leg.channel)
        var callee: Party
        if !leg.answeredBy.isEmpty, let rep = extensions[bytes: leg.answeredBy] {
            callee = Party(kind: .rep, repID: rep, raw: CallLegBytes.text(leg.answeredBy), e164: nil, unmatchedExtension: false)
        } else if !leg.did.isEmpty && leg.dstChannel.isEmpty {
            callee = party(number: leg.did, channel: Self.noBytes)
        } else {
            callee = party(number: leg.dst, channel: leg.dstChannel)
            if callee.kind != .rep && !leg.did.isEmpty {
                let byDID = party(number: leg.did, channel: Self.noBytes)
                if byDID.kind == .rep { callee = byDID }
            }
        }
        let inboundContext = Self.isInboundContext(leg.dcontext)
        if inboundContext && caller.kind == .company && !caller.unmatchedExtension {
            caller.kind = .external
        }
        let direction: CallDirection
        if let declared = leg.declaredDirection {
            direction = declared
            switch declared {
            case .inbound:
                if caller.kind != .external { caller = Party(kind: .external, repID: nil, raw: CallLegBytes.text(leg.src),
                                                             e164: normalizer.normalize(CallLegBytes.text(leg.src)).e164,
                                                             unmatchedExtension: false) }
            case .outbound:
                if callee.kind != .external { callee = Party(kind: .external, repID: nil, raw: CallLegBytes.text(leg.dst),
                                                             e164: normalizer.normalize(CallLegBytes.text(leg.dst)).e164,
                                                             unmatchedExtension: false) }
            case .internal: break
            }
        } else {
            switch (caller.kind == .external, callee.kind == .external) {
            case (true, false): direction = .inbound
            case (false, true): direction = .outbound
            case (false, false): direction = .internal
            case (true, true): direction = inboundContext ? .inbound : .outbound
            }
        }
        let external: Party? = direction == .inbound ? caller : direction == .outbound ? callee : nil
        var unmatched: [String] = []
        if caller.unmatchedExtension { unmatched.append(caller.raw) }
        if callee.unmatchedExtension { unmatched.append(callee.raw) }
        let facts = CallLegFacts(
            callKey: leg.callKey, source: leg.source, position: leg.position, legHash: leg.identityHash,
            sequence: leg.sequence, start: leg.start, duration: leg.duration, billsec: leg.billsec,
            disposition: leg.disposition, callerKind: caller.kind, calleeKind: callee.kind,
            callerRep: caller.repID, calleeRep: callee.repID, externalRaw: external?.raw,
            externalE164: external?.e164, direction: direction, unmatched: unmatched.first,
            reachesPerson: Self.reachesPerson(leg))
        return Resolved(facts: facts, direction: direction, unmatched: unmatched)
    }
}
