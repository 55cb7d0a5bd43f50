import Fluent
import SQLKit

/// The `login_attempts` table.
struct CreateLoginAttempt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LoginAttempt.schema)
            .id()
            .field("username", .string, .required)
            .field("address", .string, .required)
            .field("attempted_at", .double, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "login_attempts_by_username").on(LoginAttempt.schema).column("username").column("attempted_at").run()
            try await sql.create(index: "login_attempts_by_address").on(LoginAttempt.schema).column("address").column("attempted_at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LoginAttempt.schema).delete()
    }
}
