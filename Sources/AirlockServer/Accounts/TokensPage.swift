import Fluent
import Vapor

/// `/settings/tokens`: the visitor's own API tokens: list, issue (the new token is shown on the answer to the
/// form, once, and never stored anywhere but as its hash), revoke.
struct TokensPage: RouteCollection {

    struct CreateForm: Content {
        let name: String
        /// Days, or "never".
        let expires: String
    }

    struct RevokeForm: Content {
        let id: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.tokens.pathComponents, use: show)
        routes.post(SiteURL.tokens.pathComponents, use: create)
        routes.post(SiteURL.revokeToken.pathComponents, use: revoke)
    }

    func show(_ request: Request) async throws -> Response {
        try await Self.page(issued: nil, for: request)
    }

    func create(_ request: Request) async throws -> Response {
        let form = try request.content.decode(CreateForm.self)
        let days = form.expires == "never" ? nil : Int(form.expires)
        do {
            if form.expires != "never", days == nil { throw AccountRefusal.invalidTokenLifetime }
            let (token, record) = try await APITokens.issue(to: try request.userID, name: form.name, expiresInDays: days, now: request.application.clock.now, on: request.db)
            return try await Self.page(issued: (token, record.name), for: request)
        } catch let error as AccountRefusal {
            Flash.set(.error, error.message, field: ["invalid_token_name": "token-name", "invalid_token_lifetime": "token-expires"][error.code],
                      on: request)
            return request.redirect(to: SiteURL.tokens.path, redirectType: .normal)
        }
    }

    func revoke(_ request: Request) async throws -> Response {
        let form = try request.content.decode(RevokeForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: SiteURL.tokens.path, success: "Revoked the token; it no longer works.") {
            guard let id = UUID(uuidString: form.id) else { throw AccountRefusal.tokenNotFound }
            try await APITokens.revoke(id, of: userID, on: request.db)
        }
    }

    static func page(issued: (token: String, name: String)?, for request: Request) async throws -> Response {
        let tokens = try await APITokens.list(of: try request.userID, on: request.db)
        let csrf = CSRF.field(for: request)
        let date: (Double?) -> HTML = { seconds in
            seconds.map { "<time datetime=\"\(Date(timeIntervalSince1970: $0).ISO8601Format())\">\(Date(timeIntervalSince1970: $0).ISO8601Format())</time>" }
                ?? "<span class=\"muted\">-</span>"
        }
        let rows = tokens.map { token -> HTML in
            let id = (token.id?.uuidString ?? "").lowercased()
            return """
                <tr><td>\(token.name)</td><td>\(date(token.createdAt?.timeIntervalSince1970))</td>\
                <td>\(token.expiresAt == nil ? "never" : date(token.expiresAt))</td><td>\(date(token.lastUsedAt))</td>
                <td><form class="inline" method="post" action="\(SiteURL.revokeToken.path)">\(csrf)<input type="hidden" name="id" value="\(id)">
                <button type="submit" aria-label="Revoke \(token.name)">Revoke</button></form></td></tr>
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
        return Layout.render("API tokens", """
            \(shown)
            \(table)
            <form method="post" action="\(SiteURL.tokens.path)"><fieldset><legend>Issue a token</legend>\(csrf)
            <label for="token-name">Name</label>
            <input id="token-name" name="name" required maxlength="100" autocomplete="off" aria-describedby="token-name-error">
            \(Flash.fieldError("token-name", on: request))
            <label for="token-expires">Expires</label>
            <select id="token-expires" name="expires" aria-describedby="token-expires-error">
            <option value="30">in 30 days</option><option value="90" selected>in 90 days</option><option value="365">in a year</option>
            <option value="never">never (until revoked)</option></select>
            \(Flash.fieldError("token-expires", on: request))
            <p><button type="submit">Issue token</button></p>
            </fieldset></form>
            """, for: request)
    }
}
