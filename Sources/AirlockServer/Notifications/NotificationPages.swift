import Fluent
import Vapor

/// `/organizations/:organization/notifications` (owners, `NotificationsPage`): destinations, the form that adds one (a webhook's
/// signing secret shown once, on the answer), and the newest deliveries with their attempts.
struct NotificationPages: RouteCollection {
    struct AddForm: Content {
        let kind: NotificationDestination.Kind
        let url: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.notifications(.key).pathComponents, use: show)
        routes.post(SiteURL.notifications(.key).pathComponents, use: add)
        routes.post(SiteURL.removeNotification(.key, .key).pathComponents, use: remove)
    }

    func show(_ request: Request) async throws -> Response {
        try await Self.page(created: nil, for: request)
    }

    func add(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let form = try request.content.decode(AddForm.self)
        do {
            let created = try await Notifications.add(form.kind, url: form.url, in: organization, actorID: try request.userID,
                                                      secrets: request.application.secretBox, at: request.application.clock.now, on: request.db)
            return try await Self.page(created: created, for: request)
        } catch let refusal as NotificationRefusal {
            Flash.set(.error, refusal.message, field: "notification-url", on: request)
            return request.redirect(to: SiteURL.notifications(.value(organization)).path, redirectType: .normal)
        }
    }

    func remove(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let userID = try request.userID
        let id = UUID(uuidString: try request.parameters.require("destination"))
        return try await request.formAction(redirectTo: SiteURL.notifications(.value(organization)).path, success: "Removed the destination.") {
            guard let id else { throw NotificationRefusal.notFound }
            try await Notifications.remove(id, in: organization, actorID: userID, on: request.db)
        }
    }

    static func page(created: Notifications.Created?, for request: Request) async throws -> Response {
        let page = try await NotificationsPage.load(organization: try request.parameters.require("organization"), visitorID: try request.userID,
                                                    added: created, on: request.db)
        return Layout.render("Notifications of \(page.organization)", page.render(csrf: CSRF.field(for: request)) { Flash.fieldError($0, on: request) },
                             for: request)
    }
}
