import Fluent
import Foundation

/// A person who logs in to Airlock.
final class User: Model, @unchecked Sendable {
    // @unchecked: Fluent models are classes with property wrappers that Fluent mutates; a model instance is
    // only ever used by the request (one task) that loaded it, never shared across tasks.
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    /// bcrypt; empty for a person who signs in only through the identity provider.
    @Field(key: "password_hash") var passwordHash: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// One of the server's administrators (who may create organizations, by default); nil is not.
    @OptionalField(key: "is_administrator") var isAdministrator: Bool?
    /// Lowercased; for a person of the identity provider, the verified email it last sent.
    @OptionalField(key: "email") var email: String?
    /// The identity provider that signs the person in, and its id of them (`sub`); nil for a local account.
    @OptionalField(key: "identity_issuer") var identityIssuer: String?
    @OptionalField(key: "identity_subject") var identitySubject: String?
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Double?
    @OptionalField(key: "last_sign_in_method") var lastSignInMethod: SignInMethod?

    init() {}

    init(id: UUID? = nil, username: String, passwordHash: String) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
    }
}
