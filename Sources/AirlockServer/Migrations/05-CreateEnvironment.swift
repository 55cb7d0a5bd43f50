import Fluent

/// The `environments` table.
struct CreateEnvironment: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TerraformEnvironment.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "organization_id", "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TerraformEnvironment.schema).delete()
    }
}
