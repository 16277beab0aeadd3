/// Who stands at one end of a call leg.
public enum PartyKind: String, Sendable, Equatable {
    /// A rep's extension (the rep is known).
    case rep
    /// A company number that is not a rep: an unknown extension, a queue, a DID, an IVR.
    case company
    /// A client or any other outside number.
    case external
}

/// One leg after identities were resolved: the facts the grouping step needs, as stored with its call
/// (the `call_legs` view).
public struct CallLegFacts: Sendable, Equatable {
    public var callKey: String
    /// Name of the pipeline source that read the leg.
    public var source: String
    public var position: SourcePosition
    /// The run that loaded the leg (0 until a loader assigns it).
    public var runID: Int64
    /// ``CallLeg/identityHash``: the same CDR row read from two overlapping exports counts once.
    public var legHash: Int64
    public var sequence: Int?
    public var start: Int64
    public var duration: Int
    public var billsec: Int
    public var disposition: LegDisposition
    public var callerKind: PartyKind
    public var calleeKind: PartyKind
    /// Rep at the calling end, if a rep.
    public var callerRep: String?
    /// Rep at the called end (the rep whose phone rang), if known.
    public var calleeRep: String?
    /// The outside number as written, when one end is external.
    public var externalRaw: String?
    /// The outside number in E.164, when it could be normalised.
    public var externalE164: String?
    /// Direction of this leg as resolved (the call's direction comes from its legs).
    public var direction: CallDirection
    /// A company-side extension of this leg that matched no rep, for data quality.
    public var unmatched: String?
    /// The PBX connected the leg to a person's channel (a phone, a SIP peer, a trunk), not to an
    /// application (voicemail, an announcement, an IVR) nor to a `Local/` channel dialling on
    /// someone's behalf: only such a leg's answer is an answer by a person (SPEC "Calls").
    public var reachesPerson = true

    public init(callKey: String, source: String, position: SourcePosition, runID: Int64 = 0, legHash: Int64,
                sequence: Int?, start: Int64, duration: Int, billsec: Int, disposition: LegDisposition,
                callerKind: PartyKind, calleeKind: PartyKind, callerRep: String?, calleeRep: String?,
                externalRaw: String?, externalE164: String?, direction: CallDirection, unmatched: String? = nil,
                reachesPerson: Bool = true) {
        self.reachesPerson = reachesPerson
        self.callKey = callKey
        self.source = source
        self.position = position
        self.runID = runID
        self.legHash = legHash
        self.sequence = sequence
        self.start = start
        self.duration = duration
        self.billsec = billsec
        self.disposition = disposition
        self.callerKind = callerKind
        self.calleeKind = calleeKind
        self.callerRep = callerRep
        self.calleeRep = calleeRep
        self.externalRaw = externalRaw
        self.externalE164 = externalE164
        self.direction = direction
        self.unmatched = unmatched
    }
}

/// How a whole call ended: `answered` if any leg was answered, else `busy`, `failed` or `missed`.
public enum CallDisposition: String, Sendable, Equatable {
    case answered, busy, failed, missed
}

/// One conversation: the legs of one linkedid (or uniqueid) grouped, as stored in `calls`.
public struct Call: Sendable, Equatable {
    public var callID: String
    /// Start of the earliest leg, seconds since the Unix epoch (UTC).
    public var start: Int64
    /// Calendar date of the start in the company time zone, `YYYY-MM-DD`.
    public var localDate: String
    public var direction: CallDirection
    public var repID: String?
    /// The client's number in E.164 (`+7…`), or nil when it could not be normalised.
    public var clientPhone: String?
    /// The client's number as the PBX wrote it.
    public var rawNumber: String?
    public var disposition: CallDisposition
    public var ringSecs: Int
    public var talkSecs: Int
    public var isEffective: Bool
    public var legs: Int
    /// Position of the call's first leg.
    public var position: SourcePosition

    public init(callID: String, start: Int64, localDate: String, direction: CallDirection, repID: String?,
                clientPhone: String?, rawNumber: String?, disposition: CallDisposition, ringSecs: Int,
                talkSecs: Int, isEffective: Bool, legs: Int, position: SourcePosition) {
        self.callID = callID
        self.start = start
        self.localDate = localDate
        self.direction = direction
        self.repID = repID
        self.clientPhone = clientPhone
        self.rawNumber = rawNumber
        self.disposition = disposition
        self.ringSecs = ringSecs
        self.talkSecs = talkSecs
        self.isEffective = isEffective
        self.legs = legs
        self.position = position
    }
}
