/// How one CDR row (one leg of a call) ended.
public enum LegDisposition: String, Sendable, Equatable {
    case answered, noAnswer = "no_answer", busy, failed, congestion, cancel, unknown

    /// Maps the PBX's disposition bytes (Asterisk, FreePBX; any letter case) without making a string.
    public init(asterisk bytes: UnsafeBufferPointer<UInt8>) {
        func equals(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == bytes.count else { return false }
            let w = word.utf8Start
            for i in 0..<bytes.count {
                var b = bytes[i]
                if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { b -= 32 }
                if b != w[i] { return false }
            }
            return true
        }
        if equals("ANSWERED") { self = .answered }
        else if bytes.isEmpty || equals("NO ANSWER") || equals("NOANSWER") { self = .noAnswer }
        else if equals("BUSY") { self = .busy }
        else if equals("FAILED") { self = .failed }
        else if equals("CONGESTION") { self = .congestion }
        else if equals("CANCEL") { self = .cancel }
        else { self = .unknown }
    }
}

/// Direction of a call relative to the company.
public enum CallDirection: String, Sendable, Equatable {
    case inbound, outbound, `internal`
}

/// One extracted CDR row: one leg of a phone call, as the PBX wrote it, times in UTC.
public struct CallLeg: Sendable, Equatable {
    public var position: SourcePosition
    /// Name of the pipeline source that produced the leg.
    public var source: String
    public var uniqueID: String
    public var linkedID: String
    /// Asterisk's `sequence` column, when the file has it.
    public var sequence: Int?
    /// Caller number as written (`src`).
    public var src: String
    /// Dialled number or extension as written (`dst`).
    public var dst: String
    public var dcontext: String
    /// Caller ID text, decoded leniently (UTF-8, else windows-1251).
    public var clid: String
    public var channel: String
    public var dstChannel: String
    public var lastApp: String
    /// Inbound DID (FreePBX), empty when unknown.
    public var did: String
    /// Start of the leg, seconds since the Unix epoch (UTC).
    public var start: Int64
    public var answer: Int64?
    public var duration: Int
    public var billsec: Int
    public var disposition: LegDisposition
    /// Direction stated by the source itself (mapped exports such as Sipuni), else nil.
    public var declaredDirection: CallDirection?
    /// Extension or name of who answered, stated by the source (mapped exports), else empty.
    public var answeredBy: String

    public init(position: SourcePosition, source: String, uniqueID: String = "", linkedID: String = "",
                sequence: Int? = nil, src: String, dst: String, dcontext: String = "", clid: String = "",
                channel: String = "", dstChannel: String = "", lastApp: String = "", did: String = "",
                start: Int64, answer: Int64? = nil, duration: Int, billsec: Int, disposition: LegDisposition,
                declaredDirection: CallDirection? = nil, answeredBy: String = "") {
        self.position = position
        self.source = source
        self.uniqueID = uniqueID
        self.linkedID = linkedID
        self.sequence = sequence
        self.src = src
        self.dst = dst
        self.dcontext = dcontext
        self.clid = clid
        self.channel = channel
        self.dstChannel = dstChannel
        self.lastApp = lastApp
        self.did = did
        self.start = start
        self.answer = answer
        self.duration = duration
        self.billsec = billsec
        self.disposition = disposition
        self.declaredDirection = declaredDirection
        self.answeredBy = answeredBy
    }

    /// The key that groups legs into one call: linkedid, else uniqueid, else the calling channel and start.
    public var callKey: String {
        if !linkedID.isEmpty { return linkedID }
        if !uniqueID.isEmpty { return uniqueID }
        return "\(channel.isEmpty ? src : channel)@\(start)"
    }

    /// A 64-bit FNV-1a hash of what identifies a CDR row whatever file it is read from: call key,
    /// uniqueid, sequence, channels, start, numbers, duration and billsec.
    public var identityHash: Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            }
            h = (h ^ 0x1F) &* 0x0000_0100_0000_01b3
        }
        func mix(_ value: Int64) {
            var v = UInt64(bitPattern: value)
            for _ in 0..<8 {
                h = (h ^ (v & 0xFF)) &* 0x0000_0100_0000_01b3
                v >>= 8
            }
        }
        mix(callKey); mix(uniqueID); mix(Int64(sequence ?? -1)); mix(channel); mix(dstChannel)
        mix(start); mix(src); mix(dst); mix(Int64(duration)); mix(Int64(billsec))
        return Int64(bitPattern: h)
    }
}
