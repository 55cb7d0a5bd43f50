import Fluent
import Foundation

/// The `run_approvals` table: one approval per person and run.
struct CreateRunApproval: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RunApproval.schema)
            .id()
            .field("run_id", .uuid, .required, .references(Run.schema, "id", onDelete: .cascade))
            .field("username", .string, .required)
            .field("at", .double, .required)
            .unique(on: "run_id", "username")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RunApproval.schema).delete()
    }
}
