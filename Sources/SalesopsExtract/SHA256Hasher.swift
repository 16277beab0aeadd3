import CCrypto

/// Streaming SHA-256 through OpenSSL's libcrypto. The only place libcrypto is used; no C type leaves
/// this type. A value: a copy hashes on independently, and ``state`` saves the hash of the bytes so
/// far so that hashing can resume later (``init(resuming:)``) without reading them again.
public struct SHA256Hasher {
    private var context = SHA256_CTX()

    public init() { SHA256_Init(&context) }

    /// Resumes from a saved ``state``; nil when `state` is not one (another length, not hex, a count
    /// that is not whole bytes): the caller then hashes from the start.
    public init?(resuming state: String) {
        let hex = Array(state.utf8)
        guard hex.count == Self.stateWords * 8 else { return nil }
        var words = [UInt32](repeating: 0, count: Self.stateWords)
        for i in 0..<Self.stateWords {
            // Eight hex digits per word, its bytes least significant first.
            for j in 0..<4 {
                guard let hi = Self.nibble(hex[8 * i + 2 * j]), let lo = Self.nibble(hex[8 * i + 2 * j + 1]) else { return nil }
                words[i] |= UInt32(hi << 4 | lo) << (8 * j)
            }
        }
        // The bit count is whole bytes, and the buffered bytes are the count's remainder of 64.
        guard words[8] & 7 == 0, words[26] < 64, words[26] == (words[8] >> 3) & 63 else { return nil }
        withUnsafeMutableBytes(of: &context.h) { h in for i in 0..<8 { h.storeBytes(of: words[i], toByteOffset: 4 * i, as: UInt32.self) } }
        context.Nl = words[8]
        context.Nh = words[9]
        withUnsafeMutableBytes(of: &context.data) { d in for i in 0..<16 { d.storeBytes(of: words[10 + i], toByteOffset: 4 * i, as: UInt32.self) } }
        context.num = words[26]
        context.md_len = UInt32(SHA256_DIGEST_LENGTH)
    }

    /// h[8], the bit count (low, high), the 16 words of the pending block and its byte count.
    private static let stateWords = 27

    /// The state after the bytes so far, as 216 hex digits: 27 32-bit words, each's bytes least
    /// significant first (OpenSSL's `SHA256_CTX` without its constant digest length).
    public var state: String {
        var words: [UInt32] = []
        words.reserveCapacity(Self.stateWords)
        var copy = context
        withUnsafeBytes(of: &copy.h) { words.append(contentsOf: $0.bindMemory(to: UInt32.self)) }
        words.append(context.Nl)
        words.append(context.Nh)
        withUnsafeBytes(of: &copy.data) { words.append(contentsOf: $0.bindMemory(to: UInt32.self)) }
        words.append(context.num)
        return Self.hex(words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } })
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(2 * bytes.count)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Adds bytes to the digest.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        SHA256_Update(&context, base, bytes.count)
    }

    /// The digest of the bytes so far, as 64 lower-case hex digits; hashing may go on.
    public func snapshotHex() -> String {
        var copy = self
        return copy.finalizeHex()
    }

    /// The digest of all bytes, as 64 lower-case hex digits.
    public mutating func finalizeHex() -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        SHA256_Final(&digest, &context)
        return Self.hex(digest)
    }
}
