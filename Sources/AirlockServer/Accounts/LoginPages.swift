import Fluent
import Vapor

/// `/login` and `/logout`.
struct LoginPages: RouteCollection {
    struct LoginForm: Content {
        let username: String
        let password: String
        let next: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.login.pathComponents, use: show)
        routes.post(SiteURL.login.pathComponents, use: logIn)
        routes.post(SiteURL.logout.pathComponents, use: logOut)
    }

    func show(_ request: Request) async throws -> Response {
        if request.auth.has(User.self) { return request.redirect(to: Self.safeDestination(request.query["next"])) }
        return Self.page(next: request.query["next"], username: "", error: nil, status: .ok, for: request)
    }

    func logIn(_ request: Request) async throws -> Response {
        let form = try request.content.decode(LoginForm.self)
        let attempt: LoginAttempt
        do {
            attempt = try await LoginThrottle.attempt(form.username, from: request.clientAddress, at: request.application.clock.now, on: request.db)
        } catch let refused as LoginThrottle.Refused {
            return Self.page(next: form.next, username: form.username, error: refused.description, status: .tooManyRequests, for: request)
        }
        guard let user = try await Accounts.authenticate(username: form.username, password: form.password, on: request) else {
            return Self.page(next: form.next, username: form.username, error: "Incorrect username or password.",
                             status: .unauthorized, for: request)
        }
        try await LoginThrottle.succeeded(attempt, on: request.db)
        try await WebSession.logIn(user, on: request)
        return request.redirect(to: Self.safeDestination(form.next), redirectType: .normal)
    }

    func logOut(_ request: Request) async throws -> Response {
        WebSession.logOut(on: request)
        return request.redirect(to: SiteURL.login.path, redirectType: .normal)
    }

    /// Where to go after logging in: a path on this server only, never another site.
    static func safeDestination(_ next: String?) -> String {
        // A path of this site in printable ASCII: no scheme or `//` host, no backslash (browsers read it as
        // `/`), no control character or space (a tab is dropped by browsers, CR/LF would end the header).
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"),
              next.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && $0 != "\\" }) else { return "/" }
        return next
    }

    static func page(next: String?, username: String, error: String?, status: HTTPResponseStatus, for request: Request) -> Response {
        let message: HTML? = error.map { "<p class=\"flash flash-error\" role=\"alert\" id=\"login-error\">\($0)</p>" }
        let response = Layout.render("Log in", """
            \(message)
            <form method="post" action="\(SiteURL.login.path)">
            \(CSRF.field(for: request))
            <input type="hidden" name="next" value="\(safeDestination(next))">
            <label for="username">Username</label>
            <input id="username" name="username" autocomplete="username" required autofocus value="\(username)">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <p><button type="submit">Log in</button></p>
            </form>
            """, status: status, for: request)
        CSRF.setAnonymousCookie(on: response, for: request, secure: WebSession.usesSecureCookies(request.application))
        return response
    }
}
