import Foundation

extension TokensPage {
    /// The page's body; `csrf` is the visitor's form field, `fieldError` the flash message about a field.
    func render(csrf: HTML, fieldError: (String) -> HTML?) -> HTML {
        let rows = tokens.map { token -> HTML in
            """
            <tr><td>\(token.name)</td><td>\(Self.time(token.createdAt))</td>\
            <td>\(token.expiresAt == nil ? "never" : Self.time(token.expiresAt))</td><td>\(Self.time(token.lastUsedAt))</td>
            <td><form class="inline" method="post" action="\(SiteURL.revokeToken.path)">\(csrf)<input type="hidden" name="id" value="\(token.id)">
            <button type="submit" class="danger" aria-label="Revoke \(token.name)">Revoke</button></form></td></tr>
            """
        }
        let table: HTML = rows.isEmpty ? "<p class=\"muted\">You have no API tokens.</p>" : """
            <table><thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th>\
            <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>\(rows)</tbody></table>
            """
        let shown: HTML = issued.map { issued in
            """
            <section class="flash flash-success" role="status"><p>New token <strong>\(issued.name)</strong>. Copy it now: it is not shown again.</p>
            <p><output id="new-token"><code>\(issued.token)</code></output></p>
            <p class="muted">Use it with <code>airlock login --token-stdin</code>, or as <code>Authorization: Bearer</code>.</p></section>
            """
        } ?? .empty
        return """
            \(shown)
            \(table)
            <form method="post" action="\(SiteURL.tokens.path)"><fieldset><legend>Issue a token</legend>\(csrf)
            <label for="token-name">Name</label>
            <input id="token-name" name="name" required maxlength="100" autocomplete="off" aria-describedby="token-name-error">
            \(fieldError("token-name"))
            <label for="token-expires">Expires</label>
            <select id="token-expires" name="expires" aria-describedby="token-expires-error">
            <option value="30">in 30 days</option><option value="90" selected>in 90 days</option><option value="365">in a year</option>
            <option value="never">never (until revoked)</option></select>
            \(fieldError("token-expires"))
            <p><button type="submit">Issue token</button></p>
            </fieldset></form>
            """
    }

    private static func time(_ date: Date?) -> HTML {
        date.map { "<time datetime=\"\($0.ISO8601Format())\">\($0.ISO8601Format())</time>" } ?? "<span class=\"muted\">-</span>"
    }
}
