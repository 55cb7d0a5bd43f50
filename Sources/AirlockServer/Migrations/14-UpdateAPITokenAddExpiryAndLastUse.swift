import Fluent

/// `api_tokens.expires_at` and `last_used_at`. Tokens issued before keep NULL: they never expire (list and
/// revoke them).
struct UpdateAPITokenAddExpiryAndLastUse: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await database.schema(APIToken.schema).field("expires_at", .double).update()
        try await database.schema(APIToken.schema).field("last_used_at", .double).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIToken.schema).deleteField("last_used_at").update()
        try await database.schema(APIToken.schema).deleteField("expires_at").update()
    }
}
