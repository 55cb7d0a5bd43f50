import Foundation

extension NotificationsPage {
    /// The page's body; `csrf` is the visitor's form field, `fieldError` the flash message about a field.
    func render(csrf: HTML, fieldError: (String) -> HTML?) -> HTML {
        let name = SiteURL.Parameter.value(organization)
        let destinationRows = destinations.map { destination -> HTML in
            """
            <tr><td>\(destination.kind == .slack ? "Slack-compatible" : "Webhook (signed)")</td><td><code>\(destination.host)</code></td><td>\(Self.time(destination.createdAt))</td>
            <td><form class="inline" method="post" action="\(destination.id.map { SiteURL.removeNotification(name, .value($0)).path } ?? "")">\(csrf)<button type="submit" class="danger" aria-label="Remove the destination at \(destination.host)">Remove</button></form></td></tr>
            """
        }
        let deliveryRows = deliveries.map { delivery -> HTML in
            let result: HTML = switch delivery.status {
            case .delivered: "delivered"
            case .pending: "pending\(delivery.lastError.map { " (\($0))" } ?? "")"
            case .failed: "failed: \(delivery.lastError ?? "")"
            }
            return "<tr><td>\(Self.time(delivery.createdAt))</td><td>\(delivery.event.rawValue)</td><td><code>\(delivery.host)</code></td><td>\(result)</td><td>\(delivery.attempts)</td><td>\(delivery.lastResponseStatus.map(String.init) ?? "-")</td></tr>"
        }
        let shown: HTML = added.map { added in
            guard let secret = added.signingSecret else {
                return "<p class=\"flash flash-success\" role=\"status\">Added the destination at <code>\(added.host)</code>.</p>"
            }
            return """
                <section class="flash flash-success" role="status"><p>Added the webhook at <code>\(added.host)</code>. Its signing secret, shown this once:</p>
                <p><output id="signing-secret"><code>\(secret)</code></output></p>
                <p class="muted">Check each delivery: X-Airlock-Signature is <code>v1=</code> and the hex HMAC-SHA256 of <code>X-Airlock-Timestamp + "." + body</code> with this secret.</p></section>
                """
        } ?? .empty
        return """
            <p><a href="\(SiteURL.organization(name).path)">Back to the organization</a></p>
            \(shown)
            <h2>Destinations</h2>
            \(destinationRows.isEmpty ? "<p class=\"muted\">None: nobody is told when a run waits, applies or errors, or when an MFA code is refused.</p>" as HTML
                : "<table><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Host</th><th scope=\"col\">Added</th><th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th></tr></thead><tbody>\(destinationRows)</tbody></table>")
            <form method="post" action="\(SiteURL.notifications(name).path)"><fieldset><legend>Add a destination</legend>\(csrf)
            <label for="notification-kind">Kind</label>
            <select id="notification-kind" name="kind"><option value="webhook">Webhook (JSON, signed)</option><option value="slack">Slack-compatible incoming webhook</option></select>
            <label for="notification-url">URL (write-only: stored encrypted, never shown again)</label>
            <input id="notification-url" name="url" type="password" required maxlength="2048" autocomplete="off" class="wide" aria-describedby="notification-url-error">
            \(fieldError("notification-url"))
            <p class="muted">Events: a run waits (for confirmation, approvals or an MFA code), applied, errored; an MFA code refused by AWS STS.</p>
            <p><button type="submit">Add destination</button></p></fieldset></form>
            <h2>Deliveries</h2>
            \(deliveryRows.isEmpty ? "<p class=\"muted\">None yet.</p>" as HTML
                : "<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Event</th><th scope=\"col\">Host</th><th scope=\"col\">Result</th><th scope=\"col\">Attempts</th><th scope=\"col\">Last answer</th></tr></thead><tbody>\(deliveryRows)</tbody></table>")
            """
    }

    private static func time(_ date: Date) -> HTML {
        let text = date.ISO8601Format()
        return "<time datetime=\"\(text)\">\(text)</time>"
    }
}
