import Fluent
import Foundation

/// The `notification_deliveries` table, indexed for the sender's "what is due".
struct CreateNotificationDelivery: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NotificationDelivery.schema)
            .id()
            .field("destination_id", .uuid, .required, .references(NotificationDestination.schema, "id", onDelete: .cascade))
            .field("event", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .double, .required)
            .field("last_response_status", .int)
            .field("last_error", .string)
            .field("created_at", .double, .required)
            .field("delivered_at", .double)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NotificationDelivery.schema).delete()
    }
}
