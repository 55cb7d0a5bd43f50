import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

/// `/organizations/{organization}/notification-destinations` and `.../notification-deliveries` (owners only).
extension APIHandler {
    func listNotificationDestinations(_ input: Operations.ListNotificationDestinations.Input) async throws
        -> Operations.ListNotificationDestinations.Output {
        let destinations = try await Notifications.list(in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(try destinations.map { try .init($0, signingSecret: nil) })))
    }

    func addNotificationDestination(_ input: Operations.AddNotificationDestination.Input) async throws -> Operations.AddNotificationDestination.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let request = try Self.request
        let created = try await Notifications.add(body.kind == .slack ? .slack : .webhook, url: body.url, in: input.path.organization,
                                                  actorID: try Self.actorID, secrets: request.application.secretBox, at: request.application.clock.now,
                                                  on: request.db)
        return .created(.init(body: .json(try .init(created.destination, signingSecret: created.signingSecret))))
    }

    func removeNotificationDestination(_ input: Operations.RemoveNotificationDestination.Input) async throws
        -> Operations.RemoveNotificationDestination.Output {
        guard let id = UUID(uuidString: input.path.destination) else { throw NotificationRefusal.notFound }
        try await Notifications.remove(id, in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .noContent(.init())
    }

    func listNotificationDeliveries(_ input: Operations.ListNotificationDeliveries.Input) async throws -> Operations.ListNotificationDeliveries.Output {
        let deliveries = try await Notifications.deliveries(in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(try deliveries.map { delivery -> Components.Schemas.NotificationDelivery in
            .init(id: try delivery.requireID().uuidString.lowercased(), destination: delivery.$destination.id.uuidString.lowercased(),
                  host: delivery.destination.host, event: .init(rawValue: delivery.event.rawValue) ?? .run_waiting,
                  status: .init(rawValue: delivery.status.rawValue) ?? .pending, attempts: delivery.attempts,
                  lastResponseStatus: delivery.lastResponseStatus, lastError: delivery.lastError,
                  createdAt: Date(timeIntervalSince1970: delivery.createdAt), deliveredAt: delivery.deliveredAt.map(Date.init(timeIntervalSince1970:)))
        })))
    }
}

extension Components.Schemas.NotificationDestination {
    init(_ destination: NotificationDestination, signingSecret: String?) throws {
        self.init(id: try destination.requireID().uuidString.lowercased(), kind: destination.kind == .slack ? .slack : .webhook,
                  host: destination.host, createdAt: Date(timeIntervalSince1970: destination.createdAt), signingSecret: signingSecret)
    }
}
