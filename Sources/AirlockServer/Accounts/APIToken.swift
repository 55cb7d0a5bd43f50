import AirlockAWS
import Crypto
import Fluent
import Foundation

/// A bearer token for the CLI and the API. Only its SHA-256 is stored; the token itself is shown once.
final class APIToken: Model, @unchecked Sendable {
    // @unchecked: as for `User`, a Fluent model instance belongs to the one request or command that loaded it.
    static let schema = "api_tokens"
    /// Tokens start with this, so that secret scanners and people can recognise one.
    static let prefix = "airlock_"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// When the token stops working (seconds since 1970); nil: it works until it is revoked.
    @OptionalField(key: "expires_at") var expiresAt: Double?
    /// When the token last authenticated a request (seconds since 1970), to within `lastUseGranularity`.
    @OptionalField(key: "last_used_at") var lastUsedAt: Double?

    init() {}

    init(userID: UUID, name: String, tokenHash: String, expiresAt: Double? = nil) {
        self.$user.id = userID
        self.name = name
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }

    /// How stale `lastUsedAt` may be: the token's row is written at most this often, not on every request.
    static let lastUseGranularity: TimeInterval = 5 * 60

    func isExpired(at now: Date) -> Bool {
        Self.hasExpired(expiresAt, at: now)
    }

    /// Whether a token that stops working at `expiresAt` (nil: never) has stopped by `now`.
    static func hasExpired(_ expiresAt: Double?, at now: Date) -> Bool {
        expiresAt.map { $0 <= now.timeIntervalSince1970 } ?? false
    }

    /// A new random token: the prefix and 32 random bytes in hex.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + Hex.encode(bytes)
    }

    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Array(token.utf8)))
    }
}
