import Fluent
import Vapor

/// `/settings/tokens` (`TokensPage`): the visitor's own API tokens: list, issue (the new token is shown on the
/// answer to the form, once, and never stored anywhere but as its hash), revoke.
struct TokenPages: RouteCollection {
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
            return try await Self.page(issued: TokensPage.Issued(token: token, name: record.name), for: request)
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

    static func page(issued: TokensPage.Issued?, for request: Request) async throws -> Response {
        let page = try await TokensPage.load(visitorID: try request.userID, issued: issued, on: request.db)
        return Layout.render("API tokens", page.render(csrf: CSRF.field(for: request)) { Flash.fieldError($0, on: request) }, for: request)
    }
}
