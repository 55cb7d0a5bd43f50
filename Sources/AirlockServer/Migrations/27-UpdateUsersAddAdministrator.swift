import Fluent

/// `users.is_administrator`: the server's administrators (set with `airlock admin`). Users made before stay NULL,
/// which is not an administrator.
struct UpdateUsersAddAdministrator: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("is_administrator", .bool).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("is_administrator").update()
    }
}
