import Fluent
import Foundation

/// A sign-in that left for the identity provider and has not come back: what the callback checks the answer
/// against. Found by the hash of its `state`, bound to the browser that started it by the hash of a cookie, used
/// once (deleted as it is read), and only for `lifetime`.
final class PendingSignIn: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request that loaded it.
    static let schema = "pending_sign_ins"
    static let lifetime: TimeInterval = 10 * 60

    @ID(key: .id) var id: UUID?
    @Field(key: "state_hash") var stateHash: String
    @Field(key: "browser_hash") var browserHash: String
    /// The nonce the ID token must carry.
    @Field(key: "nonce") var nonce: String
    /// PKCE's code verifier, sealed (`SecretBox`, bound to the state's hash).
    @Field(key: "sealed_verifier") var sealedVerifier: String
    /// Where the person goes afterwards: a path of this server (`LoginPage.safeDestination`).
    @Field(key: "next") var next: String
    @Field(key: "created_at") var createdAt: Double
    /// For a step-up, the `max_age` asked of the provider: the ID token's `auth_time` must be at most this old.
    @OptionalField(key: "max_age") var maxAge: Int?

    init() {}

    init(stateHash: String, browserHash: String, nonce: String, sealedVerifier: String, next: String, maxAge: Int?, createdAt: Date) {
        self.maxAge = maxAge
        self.stateHash = stateHash
        self.browserHash = browserHash
        self.nonce = nonce
        self.sealedVerifier = sealedVerifier
        self.next = next
        self.createdAt = createdAt.timeIntervalSince1970
    }

    /// Deletes sign-ins that never came back in time.
    static func purge(before now: Date, on database: any Database) async throws {
        try await PendingSignIn.query(on: database).filter(\.$createdAt < now.timeIntervalSince1970 - lifetime).delete()
    }
}
