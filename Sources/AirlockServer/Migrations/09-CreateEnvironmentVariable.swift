import Fluent
import Foundation

/// The `environment_variables` table.
struct CreateEnvironmentVariable: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(EnvironmentVariable.schema)
            .id()
            .field("environment_id", .uuid, .required, .references(TerraformEnvironment.schema, "id", onDelete: .cascade))
            .field("key", .string, .required)
            .field("value_sealed", .string, .required)
            .field("sensitive", .bool, .required)
            .field("updated_at", .datetime)
            .unique(on: "environment_id", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EnvironmentVariable.schema).delete()
    }
}
