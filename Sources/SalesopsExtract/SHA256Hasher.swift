import CCrypto

/// Streaming SHA-256 through OpenSSL's libcrypto (EVP). The only place libcrypto is used; no C type
/// leaves this type. A copy taken with ``snapshotHex()`` gives the digest of the bytes so far.
public final class SHA256Hasher {
    private var context: OpaquePointer?

    public init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the digest.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// The digest of the bytes so far, as 64 lower-case hex digits; hashing may go on.
    public func snapshotHex() -> String {
        let copy = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(copy) }
        EVP_MD_CTX_copy_ex(copy, context)
        return Self.finish(copy)
    }

    /// The digest of all bytes, as 64 lower-case hex digits.
    public func finalizeHex() -> String { Self.finish(context) }

    private static func finish(_ ctx: OpaquePointer?) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(ctx, &digest, &length)
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest.prefix(Int(length)) {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
