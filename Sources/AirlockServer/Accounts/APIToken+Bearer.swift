import Fluent
import Foundation
import SQLKit

extension APIToken {
    /// A stored token that matched a bearer token, with its user: what the authenticator needs, read in one statement.
    struct Bearer {
        let tokenID: UUID
        let expiresAt: Double?
        let lastUsedAt: Double?
        let user: User

        func isExpired(at now: Date) -> Bool {
            APIToken.hasExpired(expiresAt, at: now)
        }
    }

    /// The columns and statement of `bearer(hash:on:)`.
    private struct BearerStatement: Sendable {
        let tokenID = APIToken.columnName(\APIToken.$id)
        let expiresAt = APIToken.columnName(\APIToken.$expiresAt)
        let lastUsedAt = APIToken.columnName(\APIToken.$lastUsedAt)
        let userID = "bearer_user_id"
        let username = User.columnName(\User.$username)
        let passwordHash = User.columnName(\User.$passwordHash)
        let text: String

        init() {
            let (t, u) = (APIToken.schema, User.schema)
            let q = StatementText.quoted
            text = "SELECT \(StatementText.column(t, tokenID)), \(StatementText.column(t, expiresAt)), \(StatementText.column(t, lastUsedAt)), "
                + "\(StatementText.column(u, User.columnName(\User.$id))) AS \(q(userID)), \(StatementText.column(u, username)), "
                + "\(StatementText.column(u, passwordHash)) FROM \(q(t)) JOIN \(q(u)) ON \(StatementText.column(u, User.columnName(\User.$id))) = "
                + "\(StatementText.column(t, APIToken.columnName(\APIToken.$user.$id))) WHERE \(StatementText.column(t, APIToken.columnName(\APIToken.$tokenHash))) = "
        }
    }

    private static let bearerStatement = BearerStatement()

    /// The token stored with `hash` and its user, or nil.
    static func bearer(hash: String, on database: any Database) async throws -> Bearer? {
        let statement = bearerStatement
        guard let row = try await database.sql.raw("\(unsafeRaw: statement.text)\(bind: hash)").first() else { return nil }
        let user = User(id: try row.decode(column: statement.userID, as: UUID.self), username: try row.decode(column: statement.username, as: String.self),
                        passwordHash: try row.decode(column: statement.passwordHash, as: String.self))
        user.$id.exists = true  // a stored user, as if Fluent had read it
        return Bearer(tokenID: try row.decode(column: statement.tokenID, as: UUID.self),
                      expiresAt: try row.decode(column: statement.expiresAt, as: Double?.self),
                      lastUsedAt: try row.decode(column: statement.lastUsedAt, as: Double?.self), user: user)
    }
}
