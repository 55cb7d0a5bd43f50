import Fluent
import Foundation
import Vapor

/// Logged-in browser sessions: stored in the database (so they survive a restart and work across servers
/// sharing one database), carried by an HttpOnly, SameSite=Lax cookie that is Secure when the server is
/// reached over TLS, and valid for the operator's session lifetime (`SignInPolicy`, as it is now) after signing in.
enum WebSession {
    static let cookieName = "airlock_session"
    private static let userKey = "user_id"
    private static let expiresKey = "expires_at"
    private static let signedInKey = "signed_in_at"
    private static let providerAuthTimeKey = "provider_auth_time"
    private static let providerMethodsKey = "provider_amr"

    /// The cookie settings; `secure` when the server's external address is https; the cookie lasts as long as the
    /// session may.
    static func configuration(secure: Bool, lifetime: TimeInterval) -> SessionsConfiguration {
        SessionsConfiguration(cookieName: cookieName) { id in
            HTTPCookies.Value(string: id.string, expires: Date(timeIntervalSinceNow: lifetime), maxAge: Int(lifetime),
                              path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
        }
    }

    /// Whether the server's cookies are Secure (its external address is https).
    static func usesSecureCookies(_ app: Application) -> Bool {
        app.sessions.configuration.cookieFactory(SessionID(string: "")).isSecure
    }

    /// Logs `user` in on a fresh session id (the anonymous one is deleted, so a planted cookie is worthless), and
    /// records when and how they came in.
    static func logIn(_ user: User, method: SignInMethod, proof: SignInProof? = nil, on request: Request) async throws {
        let now = request.application.clock.now
        user.lastSignInAt = now.timeIntervalSince1970
        user.lastSignInMethod = method
        try await user.save(on: request.db)
        if let oldID = request.session.id {
            try await request.application.sessions.driver.deleteSession(oldID, for: request).get()
        }
        request.session.id = nil
        request.session.data = SessionData()
        request.session.data[userKey] = try user.requireID().uuidString
        request.session.data[expiresKey] = String(Int(now.timeIntervalSince1970 + request.application.signInPolicy.sessionLifetime))
        request.session.data[signedInKey] = String(now.timeIntervalSince1970)
        if let proof {
            request.session.data[providerAuthTimeKey] = proof.authenticatedAt.map { String($0.timeIntervalSince1970) } ?? ""
            request.session.data[providerMethodsKey] = proof.methods.joined(separator: " ")
        }
        request.auth.login(user)
    }

    /// Ends the session: its record is deleted and the cookie expired.
    static func logOut(on request: Request) {
        request.auth.logout(User.self)
        request.session.destroy()
    }

    /// Ends every stored session of `userID` (an owner ended them, `Organizations.endSessions`); returns how many.
    static func end(userID: UUID, on database: any Database) async throws -> Int {
        try await deleteStored(on: database) { $0[userKey] == userID.uuidString }
    }

    /// Deletes the stored sessions that are expired or belong to nobody (none is made for anonymous visitors
    /// any more; older servers made one per visit).
    static func purge(before now: Date, on database: any Database) async throws {
        try await deleteStored(on: database) { data in
            data[userKey] == nil || (data[expiresKey].flatMap(TimeInterval.init) ?? 0) <= now.timeIntervalSince1970
        }
    }

    /// Deletes the stored sessions whose data `matches`, reading them 500 at a time by key (a row deleted meanwhile
    /// shifts nothing); returns how many.
    @discardableResult
    private static func deleteStored(on database: any Database, where matches: (SessionData) -> Bool) async throws -> Int {
        var keys: [SessionID] = []
        var after: UUID?
        while true {
            var query = SessionRecord.query(on: database).sort(\.$id).limit(500)
            if let after { query = query.filter(\.$id > after) }
            let records = try await query.all()
            keys += records.filter { matches($0.data) }.map(\.key)
            guard records.count == 500, let last = records.last?.id else { break }
            after = last
        }
        for start in stride(from: 0, to: keys.count, by: 500) {
            try await SessionRecord.query(on: database).filter(\.$key ~~ Array(keys[start..<min(keys.count, start + 500)])).delete()
        }
        return keys.count
    }

    /// What the session knows of its person's sign-in at the identity provider; nil for a password session.
    static func signInProof(in request: Request) -> SignInProof? {
        guard request.hasSession, let authTime = request.session.data[providerAuthTimeKey] else { return nil }
        return SignInProof(authenticatedAt: TimeInterval(authTime).map(Date.init(timeIntervalSince1970:)),
                           methods: (request.session.data[providerMethodsKey] ?? "").split(separator: " ").map(String.init))
    }

    /// The user a session belongs to, if it is logged in and not expired: neither past the end it was given nor past
    /// the operator's lifetime as it is now (a shortened lifetime ends older sessions sooner).
    static func userID(in request: Request) -> UUID? {
        guard request.hasSession, let id = request.session.data[userKey].flatMap(UUID.init(uuidString:)),
              let expires = request.session.data[expiresKey].flatMap(TimeInterval.init) else { return nil }
        let now = request.application.clock.now.timeIntervalSince1970
        // Sessions made before the sign-in time was kept count from 12 hours before their end (the lifetime then).
        let signedInAt = request.session.data[signedInKey].flatMap(TimeInterval.init) ?? expires - 12 * 60 * 60
        guard now < expires, now < signedInAt + request.application.signInPolicy.sessionLifetime else { return nil }
        return id
    }
}

/// Logs in the user of the request's session; drops an expired session.
struct SessionUserAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let id = WebSession.userID(in: request) {
            if let user = try await User.find(id, on: request.db) { request.auth.login(user) }
        } else if request.hasSession, request.session.data["user_id"] != nil {
            request.session.destroy()
        }
        return try await next.respond(to: request)
    }
}

/// Sends anonymous visitors of a page to the login page, which brings them back afterwards.
struct LoginRequiredMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.auth.has(User.self) else {
            let back = request.method == .GET ? request.url.string : "/"
            var components = URLComponents()
            components.path = SiteURL.login.path
            components.queryItems = [URLQueryItem(name: "next", value: back)]
            return request.redirect(to: components.string ?? SiteURL.login.path, redirectType: .normal)
        }
        return try await next.respond(to: request)
    }
}
