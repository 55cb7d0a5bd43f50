import Crypto
import Synchronization

/// Remembers the SigV4 signing key for the latest day, so that signing many requests in a day derives it
/// once instead of with four HMACs each time.
final class SigningKeyCache: Sendable {
    private let secretAccessKey: String
    private let region: String
    private let service: String
    private let latest = Mutex<(day: String, key: SymmetricKey)?>(nil)

    init(secretAccessKey: String, region: String, service: String) {
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
    }

    func key(forDay day: String) -> SymmetricKey {
        if let cached = latest.withLock({ $0 }), cached.day == day { return cached.key }
        let key = Self.derive(secretAccessKey: secretAccessKey, day: day, region: region, service: service)
        latest.withLock { $0 = (day, key) }
        return key
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")
    static func derive(secretAccessKey: String, day: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secretAccessKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }
}
