import Fluent
import Foundation

/// One event for one destination, and how sending it went: pending until delivered (a 2xx answer) or failed
/// after the last attempt; `nextAttemptAt` is when it is due (also the lease of the server sending it).
final class NotificationDelivery: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or task that loaded it.
    static let schema = "notification_deliveries"

    enum Status: String, Codable, Sendable {
        case pending
        case delivered
        case failed
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "destination_id") var destination: NotificationDestination
    @Field(key: "event") var event: NotificationEvent
    /// The event's JSON (no secrets in it); the run's page URL is added when sent.
    @Field(key: "payload") var payload: String
    @Enum(key: "status") var status: Status
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Double
    @OptionalField(key: "last_response_status") var lastResponseStatus: Int?
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Double
    @OptionalField(key: "delivered_at") var deliveredAt: Double?

    init() {}

    init(destinationID: UUID, event: NotificationEvent, payload: String, at time: Date) {
        self.$destination.id = destinationID
        self.event = event
        self.payload = payload
        self.status = .pending
        self.attempts = 0
        self.nextAttemptAt = time.timeIntervalSince1970
        self.createdAt = time.timeIntervalSince1970
    }
}
