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

    /// The token with a hash and its user, in one statement: every API call asks it.
    private static let bearerStatement = SQLStatement("""
        SELECT "api_tokens"."id" AS "token_id", "api_tokens"."expires_at", "api_tokens"."last_used_at",
               "users"."id" AS "user_id", "users"."username", "users"."password_hash"
        FROM "api_tokens" JOIN "users" ON "users"."id" = "api_tokens"."user_id"
        WHERE "api_tokens"."token_hash" = ?
        """)

    /// The token stored with `hash` and its user, or nil.
    static func bearer(hash: String, on database: any Database) async throws -> Bearer? {
        guard let row = try await bearerStatement.first([hash], on: database) else { return nil }
        let user = User(id: try row.decode(column: "user_id", as: UUID.self), username: try row.decode(column: "username", as: String.self),
                        passwordHash: try row.decode(column: "password_hash", as: String.self))
        user.$id.exists = true  // a stored user, as if Fluent had read it
        return Bearer(tokenID: try row.decode(column: "token_id", as: UUID.self), expiresAt: try row.decode(column: "expires_at", as: Double?.self),
                      lastUsedAt: try row.decode(column: "last_used_at", as: Double?.self), user: user)
    }
}
