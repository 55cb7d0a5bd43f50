import Fluent
import Foundation

/// A person who logs in to Airlock.
final class User: Model, @unchecked Sendable {
    // @unchecked: Fluent models are classes with property wrappers that Fluent mutates; a model instance is
    // only ever used by the request (one task) that loaded it, never shared across tasks.
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    /// bcrypt.
    @Field(key: "password_hash") var passwordHash: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// One of the server's administrators (who may create organizations, by default); nil is not.
    @OptionalField(key: "is_administrator") var isAdministrator: Bool?

    init() {}

    init(id: UUID? = nil, username: String, passwordHash: String) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
    }
}
