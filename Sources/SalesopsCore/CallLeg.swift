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
    public var callKey: String { withBytes { $0.callKey } }

    /// ``CallLegBytes/identityHash`` of the leg.
    public var identityHash: Int64 { withBytes { $0.identityHash } }

    /// The leg as bytes (its text fields copied into one scratch buffer), for `body` only.
    public func withBytes<R>(_ body: (CallLegBytes) throws -> R) rethrows -> R {
        let texts = [uniqueID, linkedID, src, dst, dcontext, channel, dstChannel, lastApp, did, answeredBy, clid]
        var scratch: [UInt8] = []
        scratch.reserveCapacity(texts.reduce(0) { $0 + $1.utf8.count })
        var ranges: [Range<Int>] = []
        for text in texts {
            let start = scratch.count
            scratch.append(contentsOf: text.utf8)
            ranges.append(start..<scratch.count)
        }
        return try scratch.withUnsafeBufferPointer { all in
            func field(_ i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: all[ranges[i]]) }
            return try body(CallLegBytes(
                position: position, source: source, uniqueID: field(0), linkedID: field(1), sequence: sequence, src: field(2),
                dst: field(3), dcontext: field(4), channel: field(5), dstChannel: field(6), lastApp: field(7), did: field(8),
                start: start, answer: answer, duration: duration, billsec: billsec, disposition: disposition,
                declaredDirection: declaredDirection, answeredBy: field(9), clid: .decoded(clid)))
        }
    }
}

/// One CDR row as the bytes its extractor read, valid only while the callback that receives it runs:
/// what resolving a leg reads, without a `String` per field (``CallLeg`` is the owned form).
public struct CallLegBytes {
    /// The caller ID: bytes to decode leniently (UTF-8, else windows-1251), or text already decoded.
    public enum CallerID {
        case raw(UnsafeBufferPointer<UInt8>)
        case decoded(String)
    }

    public var position: SourcePosition
    public var source: String
    public var uniqueID: UnsafeBufferPointer<UInt8>
    public var linkedID: UnsafeBufferPointer<UInt8>
    public var sequence: Int?
    public var src: UnsafeBufferPointer<UInt8>
    public var dst: UnsafeBufferPointer<UInt8>
    public var dcontext: UnsafeBufferPointer<UInt8>
    public var channel: UnsafeBufferPointer<UInt8>
    public var dstChannel: UnsafeBufferPointer<UInt8>
    public var lastApp: UnsafeBufferPointer<UInt8>
    public var did: UnsafeBufferPointer<UInt8>
    public var start: Int64
    public var answer: Int64?
    public var duration: Int
    public var billsec: Int
    public var disposition: LegDisposition
    public var declaredDirection: CallDirection?
    public var answeredBy: UnsafeBufferPointer<UInt8>
    public var clid: CallerID

    public static let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

    public init(position: SourcePosition, source: String, uniqueID: UnsafeBufferPointer<UInt8> = none,
                linkedID: UnsafeBufferPointer<UInt8> = none, sequence: Int? = nil, src: UnsafeBufferPointer<UInt8>,
                dst: UnsafeBufferPointer<UInt8>, dcontext: UnsafeBufferPointer<UInt8> = none,
                channel: UnsafeBufferPointer<UInt8> = none, dstChannel: UnsafeBufferPointer<UInt8> = none,
                lastApp: UnsafeBufferPointer<UInt8> = none, did: UnsafeBufferPointer<UInt8> = none, start: Int64,
                answer: Int64? = nil, duration: Int, billsec: Int, disposition: LegDisposition,
                declaredDirection: CallDirection? = nil, answeredBy: UnsafeBufferPointer<UInt8> = none,
                clid: CallerID = .decoded("")) {
        self.position = position
        self.source = source
        self.uniqueID = uniqueID
        self.linkedID = linkedID
        self.sequence = sequence
        self.src = src
        self.dst = dst
        self.dcontext = dcontext
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
        self.clid = clid
    }

    /// A field as text, invalid UTF-8 repaired with U+FFFD (as `CallLeg` holds it).
    @inline(__always)
    public static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// ``CallLeg/callKey``.
    public var callKey: String {
        if !linkedID.isEmpty { return Self.text(linkedID) }
        if !uniqueID.isEmpty { return Self.text(uniqueID) }
        return "\(Self.text(channel.isEmpty ? src : channel))@\(start)"
    }

    /// A 64-bit FNV-1a hash of what identifies a CDR row whatever file it is read from: call key,
    /// uniqueid, sequence, channels, start, numbers, duration and billsec (of each text as `CallLeg`
    /// holds it: invalid UTF-8 hashes as its repaired text, so both forms hash alike).
    public var identityHash: Int64 {
        var h = FNV1a()
        if !linkedID.isEmpty {
            h.mix(text: linkedID)
        } else if !uniqueID.isEmpty {
            h.mix(text: uniqueID)
        } else {
            // "<channel or src>@<start>"
            h.mix(text: channel.isEmpty ? src : channel, end: false)
            var key = "@\(start)"
            key.withUTF8 { h.mix(bytes: $0) }
            h.endField()
        }
        h.mix(text: uniqueID); h.mix(Int64(sequence ?? -1)); h.mix(text: channel); h.mix(text: dstChannel)
        h.mix(start); h.mix(text: src); h.mix(text: dst); h.mix(Int64(duration)); h.mix(Int64(billsec))
        return Int64(bitPattern: h.value)
    }
}

/// 64-bit FNV-1a over a row's fields: text as `CallLeg` holds it (invalid UTF-8 repaired) followed by
/// 0x1F, integers as 8 little-endian bytes. (A struct, not a captured variable: no run-time
/// exclusivity check per field.)
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    mutating func mix(bytes: UnsafeBufferPointer<UInt8>) {
        var h = value
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        value = h
    }

    @inline(__always)
    mutating func endField() { value = (value ^ 0x1F) &* 0x0000_0100_0000_01b3 }

    mutating func mix(text bytes: UnsafeBufferPointer<UInt8>, end: Bool = true) {
        if TextDecoding.isASCII(bytes) {
            mix(bytes: bytes)
        } else {
            var repaired = CallLegBytes.text(bytes)
            repaired.withUTF8 { mix(bytes: $0) }
        }
        if end { endField() }
    }

    @inline(__always)
    mutating func mix(_ integer: Int64) {
        var h = value
        var v = UInt64(bitPattern: integer)
        for _ in 0..<8 {
            h = (h ^ (v & 0xFF)) &* 0x0000_0100_0000_01b3
            v >>= 8
        }
        value = h
    }
}

extension CallLeg {
    /// The owned leg of a row read as bytes.
    public init(_ leg: CallLegBytes) {
        let text = CallLegBytes.text
        let clid: String
        switch leg.clid {
        case let .raw(bytes): clid = TextDecoding.decodeLenient(bytes)
        case let .decoded(value): clid = value
        }
        self.init(position: leg.position, source: leg.source, uniqueID: text(leg.uniqueID), linkedID: text(leg.linkedID),
                  sequence: leg.sequence, src: text(leg.src), dst: text(leg.dst), dcontext: text(leg.dcontext), clid: clid,
                  channel: text(leg.channel), dstChannel: text(leg.dstChannel), lastApp: text(leg.lastApp), did: text(leg.did),
                  start: leg.start, answer: leg.answer, duration: leg.duration, billsec: leg.billsec,
                  disposition: leg.disposition, declaredDirection: leg.declaredDirection,
                  answeredBy: text(leg.answeredBy))
    }
}
