import Fluent
import Foundation

/// Everything an organization's notifications page shows (owners only): its destinations (their host only:
/// URLs are write-only), the newest deliveries with their attempts and, on the answer to the form that added
/// one, that destination and a webhook's signing secret, shown once; read by `load`, rendered by
/// `NotificationsPage+View.swift`.
struct NotificationsPage {
    struct Destination {
        let id: UUID?
        let kind: NotificationDestination.Kind
        let host: String
        let createdAt: Date
    }

    struct Delivery {
        let createdAt: Date
        let event: NotificationEvent
        let host: String
        let status: NotificationDelivery.Status
        let lastError: String?
        let attempts: Int
        let lastResponseStatus: Int?
    }

    struct Added {
        let host: String
        /// A webhook's signing secret; nil for a Slack-compatible destination.
        let signingSecret: String?
    }

    static let deliveriesShown = 50

    let organization: String
    let destinations: [Destination]
    /// Newest first.
    let deliveries: [Delivery]
    let added: Added?

    static func load(organization: String, visitorID: UUID, added: Notifications.Created? = nil,
                     on database: any Database) async throws -> NotificationsPage {
        let destinations = try await Notifications.list(in: organization, actorID: visitorID, on: database)
        let deliveries = try await Notifications.deliveries(in: organization, actorID: visitorID, limit: deliveriesShown, on: database)
        return NotificationsPage(
            organization: organization,
            destinations: destinations.map {
                Destination(id: $0.id, kind: $0.kind, host: $0.host, createdAt: Date(timeIntervalSince1970: $0.createdAt))
            },
            deliveries: deliveries.map {
                Delivery(createdAt: Date(timeIntervalSince1970: $0.createdAt), event: $0.event, host: $0.destination.host, status: $0.status,
                         lastError: $0.lastError, attempts: $0.attempts, lastResponseStatus: $0.lastResponseStatus)
            },
            added: added.map { Added(host: $0.destination.host, signingSecret: $0.signingSecret) })
    }
}
