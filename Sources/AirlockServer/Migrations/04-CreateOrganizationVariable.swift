import Fluent

/// The `organization_variables` table.
struct CreateOrganizationVariable: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OrganizationVariable.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, "id", onDelete: .cascade))
            .field("key", .string, .required)
            .field("value_sealed", .string, .required)
            .field("sensitive", .bool, .required)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OrganizationVariable.schema).delete()
    }
}
