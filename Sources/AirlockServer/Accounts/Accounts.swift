import Fluent
import Vapor

/// Account operations, independent of HTTP so that routes, the admin commands and tests share them.
public enum Accounts {
    static let minimumPasswordLength = 12

    /// Creates a user with a bcrypt password hash. Refuses invalid names, short passwords and taken names.
    public static func createUser(username: String, password: String, on database: any Database) async throws -> UUID {
        _ = try ResourceName.validated(username, names: "Usernames", code: "invalid_username")
        guard password.count >= minimumPasswordLength else { throw APIError.passwordTooShort }
        if try await User.query(on: database).filter(\.$username == username).first() != nil {
            throw APIError.usernameTaken(username)
        }
        let user = User(username: username, passwordHash: try Bcrypt.hash(password))
        try await user.save(on: database)
        return try user.requireID()
    }

    /// Issues an API token for a user and returns it: the only time it is ever shown.
    public static func issueToken(username: String, name: String, on database: any Database) async throws -> String {
        guard let user = try await User.query(on: database).filter(\.$username == username).first() else {
            throw APIError.unknownUser(username)
        }
        let token = APIToken.generate()
        try await APIToken(userID: try user.requireID(), name: name, tokenHash: APIToken.hash(token)).save(on: database)
        return token
    }

    /// The user with this username and password, or nil. Unknown users cost the same bcrypt check as wrong
    /// passwords, so timing does not reveal which usernames exist. The hashing runs off the event loop.
    static func authenticate(username: String, password: String, on request: Request) async throws -> User? {
        let user = try await User.query(on: request.db).filter(\.$username == username).first()
        let matches = try await request.password.async.verify(password, created: user?.passwordHash ?? unknownUserHash)
        return matches ? user : nil
    }

    /// A bcrypt hash no password matches in practice, checked for unknown usernames.
    private static let unknownUserHash = (try? Bcrypt.hash(UUID().uuidString)) ?? ""
}
