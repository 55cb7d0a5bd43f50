import Fluent
import Foundation

/// The `personal_mfa_devices` table: one device per person and organization.
struct CreatePersonalMFADevice: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PersonalMFADevice.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("serial", .string, .required)
            .field("registered_at", .double, .required)
            .unique(on: "organization_id", "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PersonalMFADevice.schema).delete()
    }
}
