import Fluent
import Vapor

/// Account operations, independent of HTTP so that routes, the admin commands and tests share them.
public enum Accounts {
    static let minimumPasswordLength = 12

    /// Creates a user with a bcrypt password hash. Refuses invalid names, short passwords and taken names.
    /// `hashCost` is bcrypt's work factor: keep the default; in-process tests pass the minimum (4).
    public static func createUser(username: String, password: String, hashCost: Int = 12, administrator: Bool = false,
                                  email: String? = nil, on database: any Database) async throws -> UUID {
        _ = try ResourceName.validated(username, names: "Usernames", code: "invalid_username")
        guard password.count >= minimumPasswordLength else { throw AccountRefusal.passwordTooShort }
        if try await User.query(on: database).filter(\.$username == username).first() != nil {
            throw AccountRefusal.usernameTaken(username)
        }
        let user = User(username: username, passwordHash: try Bcrypt.hash(password, cost: hashCost))
        user.isAdministrator = administrator
        user.email = try email.map(validatedEmail)
        try await user.save(on: database)
        return try user.requireID()
    }

    /// Sets a local account's email (nil removes it): a first sign-in through the identity provider with this verified
    /// email may take the account over, when the operator allows it (`--oidc-link-local-accounts`).
    public static func setEmail(_ username: String, _ email: String?, on database: any Database) async throws {
        guard let user = try await User.query(on: database).filter(\.$username == username).first() else {
            throw AccountRefusal.unknownUser(username)
        }
        user.email = try email.map(validatedEmail)
        try await user.save(on: database)
    }

    /// An email address, lowercased: one @ with something on both sides, no space or control character.
    private static func validatedEmail(_ email: String) throws(AccountRefusal) -> String {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, email.count <= 254,
              email.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else { throw .invalidEmail }
        return email.lowercased()
    }

    /// Makes the user named `username` one of the server's administrators, or no longer one (for `airlock admin`).
    public static func setAdministrator(_ username: String, _ administrator: Bool, on database: any Database) async throws {
        guard let user = try await User.query(on: database).filter(\.$username == username).first() else {
            throw AccountRefusal.unknownUser(username)
        }
        user.isAdministrator = administrator
        try await user.save(on: database)
    }

    /// Issues an API token for a user and returns it: the only time it is ever shown. It expires after
    /// `expiresInDays` (nil: when it is revoked).
    public static func issueToken(username: String, name: String, expiresInDays: Int? = nil, on database: any Database) async throws -> String {
        guard let user = try await User.query(on: database).filter(\.$username == username).first() else {
            throw AccountRefusal.unknownUser(username)
        }
        return try await APITokens.issue(to: try user.requireID(), name: name, expiresInDays: expiresInDays, now: Date(), on: database).token
    }

    /// The user with this username and password, or nil. Unknown users, and people who sign in only through the
    /// identity provider (no password), cost the same bcrypt check as wrong passwords, so timing does not reveal
    /// which usernames exist. The hashing runs off the event loop.
    static func authenticate(username: String, password: String, on request: Request) async throws -> User? {
        let found = try await User.query(on: request.db).filter(\.$username == username).first()
        let user = found?.passwordHash.isEmpty == false ? found : nil
        let matches = try await request.password.async.verify(password, created: user?.passwordHash ?? unknownUserHash)
        return matches ? user : nil
    }

    /// A bcrypt hash no password matches in practice, checked for unknown usernames.
    private static let unknownUserHash = (try? Bcrypt.hash(UUID().uuidString)) ?? ""
}
