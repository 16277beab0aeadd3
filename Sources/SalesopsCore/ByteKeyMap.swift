/// A read-only map from text keys to text values, looked up by the bytes a parser holds without making
/// a `String` or running the standard library's seeded hash: FNV-1a over the bytes, open addressing.
/// Built once from a dictionary (the roster's extensions, numbers), read per CDR row. (Not generic: a
/// generic lookup called from another module pays for its type metadata on every call.)
public struct ByteKeyMap: Sendable {
    public typealias Value = String

    private struct Entry: Sendable {
        var hash: UInt64
        var key: [UInt8]
        var value: Value
    }

    private var entries: [Entry] = []
    /// Index into `entries` + 1 per slot, 0 for an empty slot; a power of two at least twice the keys.
    private var slots: [Int32]
    private let mask: Int

    public init(_ dictionary: [String: Value]) {
        var size = 8
        while size < dictionary.count * 2 { size *= 2 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        for (key, value) in dictionary {
            let bytes = Array(key.utf8)
            let hash = bytes.withUnsafeBufferPointer(Self.hash)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            entries.append(Entry(hash: hash, key: bytes, value: value))
            slots[slot] = Int32(entries.count)
        }
    }

    /// FNV-1a of the bytes, its high bits folded into the low ones the slots are chosen by.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = FNV1a()
        h.mix(bytes: bytes)
        return h.value ^ (h.value >> 29)
    }

    /// The value of the key whose UTF-8 bytes are `bytes`.
    public subscript(bytes bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        let hash = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = Int(slots[slot])
            if index == 0 { return nil }
            let entry = entries[index - 1]
            if entry.hash == hash && entry.key.elementsEqual(bytes) { return entry.value }
            slot = (slot + 1) & mask
        }
    }

    /// The value of `key`.
    public subscript(key: String) -> Value? {
        var key = key
        return key.withUTF8 { self[bytes: $0] }
    }
}
