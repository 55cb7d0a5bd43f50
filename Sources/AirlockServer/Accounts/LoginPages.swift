import Fluent
import Vapor

/// `/login` (`LoginPage`) and `/logout`.
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
        if request.auth.has(User.self) { return request.redirect(to: LoginPage.safeDestination(request.query["next"])) }
        return Self.page(LoginPage(next: request.query["next"]), status: .ok, for: request)
    }

    func logIn(_ request: Request) async throws -> Response {
        let form = try request.content.decode(LoginForm.self)
        let attempt: LoginAttempt
        do {
            attempt = try await LoginThrottle.attempt(form.username, from: request.clientAddress, at: request.application.clock.now, on: request.db)
        } catch let refused as LoginThrottle.Refused {
            return Self.page(LoginPage(next: form.next, username: form.username, error: refused.description), status: .tooManyRequests, for: request)
        }
        guard let user = try await Accounts.authenticate(username: form.username, password: form.password, on: request) else {
            return Self.page(LoginPage(next: form.next, username: form.username, error: "Incorrect username or password."),
                             status: .unauthorized, for: request)
        }
        try await LoginThrottle.succeeded(attempt, on: request.db)
        try await WebSession.logIn(user, on: request)
        return request.redirect(to: LoginPage.safeDestination(form.next), redirectType: .normal)
    }

    func logOut(_ request: Request) async throws -> Response {
        WebSession.logOut(on: request)
        return request.redirect(to: SiteURL.login.path, redirectType: .normal)
    }

    static func page(_ page: LoginPage, status: HTTPResponseStatus, for request: Request) -> Response {
        let response = Layout.render("Log in", page.render(csrf: CSRF.field(for: request)), status: status, for: request)
        CSRF.setAnonymousCookie(on: response, for: request, secure: WebSession.usesSecureCookies(request.application))
        return response
    }
}
