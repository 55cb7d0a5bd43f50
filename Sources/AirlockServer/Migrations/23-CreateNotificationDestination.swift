import Fluent
import Foundation

/// The `notification_destinations` table.
struct CreateNotificationDestination: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NotificationDestination.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("host", .string, .required)
            .field("url_sealed", .string, .required)
            .field("signing_secret_sealed", .string)
            .field("created_at", .double, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NotificationDestination.schema).delete()
    }
}
