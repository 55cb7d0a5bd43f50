import Fluent
import Vapor

/// `/login` (`LoginPage`) and `/logout`. With local passwords off (`SignInPolicy`), the password form is the
/// administrators' break-glass path only: anyone else is refused as a wrong password would be, and every
/// break-glass login is logged as a warning.
struct LoginPages: RouteCollection {
    struct LoginForm: Content {
        let username: String
        let password: String
        let next: String?
        let break_glass: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.login.pathComponents, use: show)
        routes.post(SiteURL.login.pathComponents, use: logIn)
        routes.post(SiteURL.logout.pathComponents, use: logOut)
    }

    func show(_ request: Request) async throws -> Response {
        if request.auth.has(User.self) { return request.redirect(to: LoginPage.safeDestination(request.query["next"])) }
        return Self.page(LoginPage(next: request.query["next"]), status: .ok, for: request, breakGlass: request.query[String.self, at: "break-glass"] != nil)
    }

    func logIn(_ request: Request) async throws -> Response {
        let form = try request.content.decode(LoginForm.self)
        let localPasswords = request.application.signInPolicy.localPasswords
        let breakGlass = !localPasswords && form.break_glass != nil
        guard localPasswords || breakGlass else {
            return Self.page(LoginPage(next: form.next, error: SignInRefusal.localPasswordsOff.message), status: .forbidden, for: request)
        }
        let attempt: LoginAttempt
        do {
            attempt = try await LoginThrottle.attempt(form.username, from: request.clientAddress, at: request.application.clock.now, on: request.db)
        } catch let refused as LoginThrottle.Refused {
            return Self.page(LoginPage(next: form.next, username: form.username, error: refused.description), status: .tooManyRequests,
                             for: request, breakGlass: breakGlass)
        }
        guard let user = try await Accounts.authenticate(username: form.username, password: form.password, on: request),
              !breakGlass || user.isAdministrator == true else {
            if breakGlass {
                // Only a name's allowed characters: nothing typed (a password in the wrong box, a line break) reaches the log.
                let name = (try? ResourceName.validated(form.username, names: "Usernames")) ?? "a name no account can have"
                request.logger.warning("Break-glass login refused for \(name) from \(request.clientAddress)")
            }
            return Self.page(LoginPage(next: form.next, username: form.username, error: "Incorrect username or password."),
                             status: .unauthorized, for: request, breakGlass: breakGlass)
        }
        try await LoginThrottle.succeeded(attempt, on: request.db)
        if breakGlass { request.logger.warning("Break-glass login (local passwords are off) by \(user.username) from \(request.clientAddress)") }
        try await WebSession.logIn(user, method: breakGlass ? .breakGlass : .password, on: request)
        return request.redirect(to: LoginPage.safeDestination(form.next), redirectType: .normal)
    }

    func logOut(_ request: Request) async throws -> Response {
        WebSession.logOut(on: request)
        return request.redirect(to: SiteURL.login.path, redirectType: .normal)
    }

    static func page(_ page: LoginPage, status: HTTPResponseStatus, for request: Request, breakGlass: Bool = false) -> Response {
        let shaped = page.shaped(by: request.application.signInPolicy, breakGlass: breakGlass)
        let response = Layout.render("Log in", shaped.render(csrf: CSRF.field(for: request)), status: status, for: request)
        CSRF.setAnonymousCookie(on: response, for: request, secure: WebSession.usesSecureCookies(request.application))
        return response
    }
}
