import Fluent

/// The `organizations` and `memberships` tables.
struct CreateOrganizationsAndMemberships: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Organization.schema)
            .id()
            .field("name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "name")
            .create()
        let role = try await database.enum("membership_role").case("owner").case("member").create()
        try await database.schema(Membership.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("role", role, .required)
            .unique(on: "organization_id", "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Membership.schema).delete()
        try await database.enum("membership_role").delete()
        try await database.schema(Organization.schema).delete()
    }
}
