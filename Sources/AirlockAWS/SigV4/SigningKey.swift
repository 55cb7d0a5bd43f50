import Crypto

/// A day's SigV4 signing key, kept as the two SHA-256 states HMAC starts from (key XOR ipad, key XOR opad),
/// so that each signature costs only the message's hashing.
struct SigningKey: Sendable {
    let day: String
    private let inner: SHA256
    private let outer: SHA256

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")
    init(secretAccessKey: String, day: String, region: String, service: String) {
        var key = Array(("AWS4" + secretAccessKey).utf8)
        for part in [day, region, service, "aws4_request"] {
            key = Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: SymmetricKey(data: key)))
        }
        self.day = day
        // HMAC (RFC 2104) with a 32-byte key: pad it to SHA-256's 64-byte block.
        let block = key + [UInt8](repeating: 0, count: 64 - key.count)
        var inner = SHA256()
        var outer = SHA256()
        block.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update(bufferPointer: $0) }
        block.map { $0 ^ 0x5C }.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.inner = inner
        self.outer = outer
    }

    /// HMAC-SHA256 of `message` under this key, as lowercase hex.
    func signature(of message: UnsafeRawBufferPointer) -> String {
        var innerHash = inner
        innerHash.update(bufferPointer: message)
        var outerHash = outer
        innerHash.finalize().withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return Hex.encode(outerHash.finalize())
    }
}
