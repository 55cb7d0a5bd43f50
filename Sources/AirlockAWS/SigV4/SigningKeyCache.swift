import Synchronization

/// Remembers the signing key for the latest day, so that signing many requests in a day derives it once
/// instead of with four HMACs each time.
final class SigningKeyCache: Sendable {
    private let secretAccessKey: String
    private let region: String
    private let service: String
    private let latest = Mutex<SigningKey?>(nil)

    init(secretAccessKey: String, region: String, service: String) {
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
    }

    func key(forDay day: String) -> SigningKey {
        if let cached = latest.withLock({ $0 }), cached.day == day { return cached }
        let key = SigningKey(secretAccessKey: secretAccessKey, day: day, region: region, service: service)
        latest.withLock { $0 = key }
        return key
    }
}
