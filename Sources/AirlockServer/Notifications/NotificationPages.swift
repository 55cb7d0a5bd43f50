import Fluent
import Vapor

/// `/organizations/:organization/notifications` (owners): destinations, the form that adds one (a webhook's
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
        let organization = try request.parameters.require("organization")
        let userID = try request.userID
        let destinations = try await Notifications.list(in: organization, actorID: userID, on: request.db)
        let deliveries = try await Notifications.deliveries(in: organization, actorID: userID, limit: 50, on: request.db)
        let csrf = CSRF.field(for: request)
        let time: (Double) -> HTML = { seconds in
            let text = Date(timeIntervalSince1970: seconds).ISO8601Format()
            return "<time datetime=\"\(text)\">\(text)</time>"
        }
        let destinationRows = destinations.map { destination -> HTML in
            return """
                <tr><td>\(destination.kind == .slack ? "Slack-compatible" : "Webhook (signed)")</td><td><code>\(destination.host)</code></td><td>\(time(destination.createdAt))</td>
                <td><form class="inline" method="post" action="\(destination.id.map { SiteURL.removeNotification(.value(organization), .value($0)).path } ?? "")">\(csrf)<button type="submit" aria-label="Remove the destination at \(destination.host)">Remove</button></form></td></tr>
                """
        }
        let deliveryRows = deliveries.map { delivery -> HTML in
            let result: HTML = switch delivery.status {
            case .delivered: "delivered"
            case .pending: "pending\(delivery.lastError.map { " (\($0))" } ?? "")"
            case .failed: "failed: \(delivery.lastError ?? "")"
            }
            return "<tr><td>\(time(delivery.createdAt))</td><td>\(delivery.event.rawValue)</td><td><code>\(delivery.destination.host)</code></td><td>\(result)</td><td>\(delivery.attempts)</td><td>\(delivery.lastResponseStatus.map(String.init) ?? "-")</td></tr>"
        }
        let shown: HTML = created.map { created in
            guard let secret = created.signingSecret else {
                return "<p class=\"flash flash-success\" role=\"status\">Added the destination at <code>\(created.destination.host)</code>.</p>"
            }
            return """
                <section class="flash flash-success" role="status"><p>Added the webhook at <code>\(created.destination.host)</code>. Its signing secret, shown this once:</p>
                <p><output id="signing-secret"><code>\(secret)</code></output></p>
                <p class="muted">Check each delivery: X-Airlock-Signature is <code>v1=</code> and the hex HMAC-SHA256 of <code>X-Airlock-Timestamp + "." + body</code> with this secret.</p></section>
                """
        } ?? .empty
        return Layout.render("Notifications of \(organization)", """
            <p><a href="\(SiteURL.organization(.value(organization)).path)">Back to the organization</a></p>
            \(shown)
            <h2>Destinations</h2>
            \(destinationRows.isEmpty ? "<p class=\"muted\">None: nobody is told when a run waits, applies or errors, or when an MFA code is refused.</p>" as HTML
                : "<table><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Host</th><th scope=\"col\">Added</th><th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th></tr></thead><tbody>\(destinationRows)</tbody></table>")
            <form method="post" action="\(SiteURL.notifications(.value(organization)).path)"><fieldset><legend>Add a destination</legend>\(csrf)
            <label for="notification-kind">Kind</label>
            <select id="notification-kind" name="kind"><option value="webhook">Webhook (JSON, signed)</option><option value="slack">Slack-compatible incoming webhook</option></select>
            <label for="notification-url">URL (write-only: stored encrypted, never shown again)</label>
            <input id="notification-url" name="url" type="password" required maxlength="2048" autocomplete="off" class="wide" aria-describedby="notification-url-error">
            \(Flash.fieldError("notification-url", on: request))
            <p class="muted">Events: a run waits (for confirmation, approvals or an MFA code), applied, errored; an MFA code refused by AWS STS.</p>
            <p><button type="submit">Add destination</button></p></fieldset></form>
            <h2>Deliveries</h2>
            \(deliveryRows.isEmpty ? "<p class=\"muted\">None yet.</p>" as HTML
                : "<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Event</th><th scope=\"col\">Host</th><th scope=\"col\">Result</th><th scope=\"col\">Attempts</th><th scope=\"col\">Last answer</th></tr></thead><tbody>\(deliveryRows)</tbody></table>")
            """, for: request)
    }
}
