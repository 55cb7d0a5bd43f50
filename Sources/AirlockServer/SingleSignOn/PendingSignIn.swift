import Fluent
import Foundation

/// A sign-in that left for the identity provider and has not come back: what the callback checks the answer
/// against. Found by the hash of its `state`, bound to the browser that started it by the hash of a cookie, used
/// once (deleted as it is read), and only for `lifetime`.
final class PendingSignIn: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request that loaded it.
    static let schema = "pending_sign_ins"
    static let lifetime: TimeInterval = 10 * 60
    /// How many sign-ins one client address may have under way: each start writes a row before anyone is known, so an
    /// anonymous client may not write them without end. Beyond it a start drops the address's oldest rather than
    /// refusing: a client that keeps filling its address's share makes the others there start an unfinished sign-in
    /// again, but is never the reason a new one is refused.
    static let maximumPerAddress = 100

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
    /// The address of the client that started it (`Request.clientAddress`), for `maximumPerAddress`.
    @OptionalField(key: "client_address") var clientAddress: String?

    init() {}

    init(stateHash: String, browserHash: String, nonce: String, sealedVerifier: String, next: String, maxAge: Int?, clientAddress: String,
         createdAt: Date) {
        self.maxAge = maxAge
        self.clientAddress = clientAddress
        self.stateHash = stateHash
        self.browserHash = browserHash
        self.nonce = nonce
        self.sealedVerifier = sealedVerifier
        self.next = next
        self.createdAt = createdAt.timeIntervalSince1970
    }

    /// Drops `address`'s oldest sign-ins under way so that one more keeps it within `maximumPerAddress`: by their ids,
    /// so a sign-in another request starts meanwhile is never among them.
    static func makeRoom(for address: String, on database: any Database) async throws {
        let oldest = try await PendingSignIn.query(on: database).filter(\.$clientAddress == address).sort(\.$createdAt, .descending)
            .sort(\.$id).offset(maximumPerAddress - 1).limit(1000).all().compactMap(\.id)
        guard !oldest.isEmpty else { return }
        try await PendingSignIn.query(on: database).filter(\.$id ~~ oldest).delete()
    }

    /// Deletes sign-ins that never came back in time.
    static func purge(before now: Date, on database: any Database) async throws {
        try await PendingSignIn.query(on: database).filter(\.$createdAt < now.timeIntervalSince1970 - lifetime).delete()
    }
}
