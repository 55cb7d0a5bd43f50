import Fluent
import Foundation

/// A user's own API tokens: issued (shown once), listed, revoked. Tokens may expire; an expired or revoked
/// token authenticates nothing.
public enum APITokens {
    /// Longest lifetime a token can be given, in days (nil: until revoked).
    public static let maximumLifetimeDays = 3650

    /// Issues a token for `userID`; returns it (the only time it is shown) and its record.
    static func issue(to userID: UUID, name: String, expiresInDays days: Int?, now: Date,
                      on database: any Database) async throws -> (token: String, record: APIToken) {
        let name = try validatedName(name)
        if let days, !(1...maximumLifetimeDays).contains(days) { throw AccountRefusal.invalidTokenLifetime }
        let token = APIToken.generate()
        let record = APIToken(userID: userID, name: name, tokenHash: APIToken.hash(token),
                              expiresAt: days.map { now.timeIntervalSince1970 + Double($0) * 86_400 })
        try await record.save(on: database)
        return (token, record)
    }

    /// The user's tokens, newest first.
    static func list(of userID: UUID, on database: any Database) async throws -> [APIToken] {
        try await APIToken.query(on: database).filter(\.$user.$id == userID).sort(\.$createdAt, .descending).all()
    }

    /// Revokes one of the user's own tokens; another user's token is "not found".
    static func revoke(_ id: UUID, of userID: UUID, on database: any Database) async throws {
        guard let token = try await APIToken.query(on: database).filter(\.$id == id).filter(\.$user.$id == userID).first() else {
            throw AccountRefusal.tokenNotFound
        }
        try await token.delete(on: database)
    }

    /// 1 to 100 characters (code points), no control character, not only spaces: the OpenAPI document's rule.
    static func validatedName(_ name: String) throws -> String {
        let scalars = name.unicodeScalars
        let isControl: (Unicode.Scalar) -> Bool = { $0.value < 0x20 || $0.value == 0x7F }
        guard (1...100).contains(scalars.count), !scalars.contains(where: isControl), scalars.contains(where: { $0.value > 0x20 && !isControl($0) }) else {
            throw AccountRefusal.invalidTokenName
        }
        return name
    }
}
