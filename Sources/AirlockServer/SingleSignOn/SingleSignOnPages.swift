import AirlockAWS
import Fluent
import Foundation
import SQLKit
import Vapor

/// `/login/sso` sends the browser to the identity provider (authorization code flow with PKCE, a `state` bound to
/// this browser by a cookie, a `nonce`; for a step-up, `max_age`); `/login/sso/callback` takes its answer, trades the
/// code for an ID token, verifies it and signs the person in, keeping when and how they authenticated there
/// (`SignInProof`). Nothing of the code, the tokens or the client secret is logged or shown.
struct SingleSignOnPages: RouteCollection {
    /// The cookie that binds a sign-in to its browser: `__Host-` over https, so no sibling subdomain can plant one.
    static func browserCookie(secure: Bool) -> String { secure ? "__Host-airlock_sign_in" : "airlock_sign_in" }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.singleSignOn.pathComponents, use: start)
        routes.get(SiteURL.singleSignOnCallback.pathComponents, use: finish)
    }

    func start(_ request: Request) async throws -> Response {
        guard let provider = request.application.openIDProvider else { throw SignInRefusal.notConfigured }
        let now = request.application.clock.now
        let document: OpenIDDiscovery
        do {
            document = try await provider.document(now: now)
        } catch {
            return refuse(error, request)
        }
        try await PendingSignIn.makeRoom(for: request.clientAddress, on: request.db)
        let (state, nonce, verifier, browser) = (RandomToken.make(), RandomToken.make(), RandomToken.make(), RandomToken.make())
        let stateHash = APIToken.hash(state)
        // A step-up (an approval that needs a recent sign-in there) asks the provider to authenticate again if its
        // own session is older.
        let maxAge = request.query[Int.self, at: "max_age"].map { min(max($0, 0), 86_400) }
        try await PendingSignIn(stateHash: stateHash, browserHash: APIToken.hash(browser), nonce: nonce,
                                sealedVerifier: try request.application.secretBox.seal(verifier, boundTo: "sign-in:" + stateHash),
                                next: LoginPage.safeDestination(request.query["next"]), maxAge: maxAge, clientAddress: request.clientAddress,
                                createdAt: now).save(on: request.db)
        guard var components = URLComponents(string: document.authorizationEndpoint) else {
            return refuse(SignInRefusal.providerUnavailable("its authorization_endpoint is not a URL"), request)
        }
        let configuration = provider.configuration
        components.queryItems = (components.queryItems ?? []) + [
            URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: configuration.clientID),
            URLQueryItem(name: "redirect_uri", value: Self.redirectURI(request.application)),
            URLQueryItem(name: "scope", value: configuration.scopes.joined(separator: " ")),
            URLQueryItem(name: "state", value: state), URLQueryItem(name: "nonce", value: nonce),
            URLQueryItem(name: "code_challenge", value: TerraformLogin.challenge(of: verifier)),
            URLQueryItem(name: "code_challenge_method", value: "S256"),
        ] + (maxAge.map { [URLQueryItem(name: "max_age", value: String($0))] } ?? [])
        guard let address = components.url?.absoluteString else {
            return refuse(SignInRefusal.providerUnavailable("its authorization_endpoint is not a URL"), request)
        }
        let response = request.redirect(to: address, redirectType: .normal)
        let secure = WebSession.usesSecureCookies(request.application)
        response.cookies[Self.browserCookie(secure: secure)] = HTTPCookies.Value(
            string: browser, maxAge: Int(PendingSignIn.lifetime), path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
        return response
    }

    func finish(_ request: Request) async throws -> Response {
        do {
            let (user, proof, next, stepUp) = try await signIn(request)
            try await WebSession.logIn(user, method: .singleSignOn, proof: proof, on: request)
            if stepUp { Flash.set(.success, "Signed in again at the identity provider: approve now (enter your code again).", on: request) }
            let response = request.redirect(to: next, redirectType: .normal)
            let secure = WebSession.usesSecureCookies(request.application)
            response.cookies[Self.browserCookie(secure: secure)] = HTTPCookies.Value(
                string: "", expires: Date(timeIntervalSince1970: 0), path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
            return response
        } catch let refusal as SignInRefusal {
            return refuse(refusal, request)
        }
    }

    /// The person the provider's answer names, what it says of their sign-in, and where they go next; refused unless
    /// every check passes.
    private func signIn(_ request: Request) async throws -> (User, SignInProof, String, stepUp: Bool) {
        guard let provider = request.application.openIDProvider else { throw SignInRefusal.notConfigured }
        let now = request.application.clock.now
        guard let state = request.query[String.self, at: "state"], !state.isEmpty, state.utf8.count <= 512 else { throw SignInRefusal.unknownSignIn }
        // Used once: deleted as it is read, so a replayed answer finds nothing, even one racing this one.
        let rows = try await request.db.sql.delete(from: PendingSignIn.schema)
            .where(PendingSignIn.column(\.$stateHash), .equal, SQLBind(APIToken.hash(state)))
            .returning(PendingSignIn.column(\.$browserHash), PendingSignIn.column(\.$nonce), PendingSignIn.column(\.$sealedVerifier),
                       PendingSignIn.column(\.$next), PendingSignIn.column(\.$createdAt), PendingSignIn.column(\.$maxAge)).all()
        guard let row = rows.first else { throw SignInRefusal.unknownSignIn }
        let browserHash = try row.decode(column: PendingSignIn.columnName(\.$browserHash), as: String.self)
        let cookie = Self.browserCookie(secure: WebSession.usesSecureCookies(request.application))
        guard let browser = request.cookies[cookie]?.string, ConstantTime.equal(APIToken.hash(browser), browserHash) else {
            throw SignInRefusal.otherBrowser
        }
        let createdAt = try row.decode(column: PendingSignIn.columnName(\.$createdAt), as: Double.self)
        guard now.timeIntervalSince1970 - createdAt <= PendingSignIn.lifetime else { throw SignInRefusal.tooSlow }
        if let error = request.query[String.self, at: "error"] { throw SignInRefusal.providerDeclined(error: SignInRefusal.printable(error)) }
        guard let code = request.query[String.self, at: "code"], !code.isEmpty, code.utf8.count <= 4096 else {
            throw SignInRefusal.providerDeclined(error: "no code")
        }
        let verifier = try request.application.secretBox.unseal(try row.decode(column: PendingSignIn.columnName(\.$sealedVerifier), as: String.self),
                                                                boundTo: "sign-in:" + APIToken.hash(state))
        let configuration = provider.configuration
        let idToken = try await provider.exchange(code: code, verifier: verifier, redirectURI: Self.redirectURI(request.application), now: now)
        let nonce = try row.decode(column: PendingSignIn.columnName(\.$nonce), as: String.self)
        let claims = try await verify(idToken, provider: provider, nonce: nonce, now: now)
        let identity = try IdentityClaims(claims, configuration: configuration)
        // Asked to authenticate again within max_age, the provider must say when it did (OpenID Connect Core 3.1.2.1).
        let maxAge = try row.decode(column: PendingSignIn.columnName(\.$maxAge), as: Int?.self)
        if let maxAge {
            guard let at = identity.authenticatedAt, now.timeIntervalSince(at) <= TimeInterval(maxAge) + IDToken.clockSkew,
                  at.timeIntervalSince(now) <= IDToken.clockSkew else {
                throw SignInRefusal.tokenRefused(.staleAuthentication)
            }
        }
        // A step-up signs the same person in again: another account at the provider would turn this browser's session,
        // and the approval that follows, into someone else's. Checked before any account is made or changed.
        if maxAge != nil, let current = request.auth.get(User.self),
           current.identityIssuer != configuration.issuer || current.identitySubject != identity.subject {
            throw SignInRefusal.otherPerson(signedIn: current.username)
        }
        let user = try await SingleSignOnAccounts.account(for: identity, configuration: configuration, on: request.db)
        request.logger.notice("Signed in through the identity provider: \(user.username)")
        return (user, SignInProof(authenticatedAt: identity.authenticatedAt, methods: identity.methods),
                LoginPage.safeDestination(try row.decode(column: PendingSignIn.columnName(\.$next), as: String.self)), maxAge != nil)
    }

    /// The token's claims once verified; a key the cached set lacks makes one fresh fetch of the set (the provider
    /// rotated its keys).
    private func verify(_ token: String, provider: OpenIDProvider, nonce: String, now: Date) async throws(SignInRefusal) -> [String: ClaimValue] {
        let document = try await provider.document(now: now)
        let configuration = provider.configuration
        func check(_ keys: JSONWebKeySet) throws(SignInRefusal) -> [String: ClaimValue] {
            try IDToken.verify(token, keys: keys, acceptedAlgorithms: document.acceptedAlgorithms, issuer: configuration.issuer,
                               clientID: configuration.clientID, nonce: nonce, now: now)
        }
        do {
            return try check(try await provider.keys(now: now))
        } catch .tokenRefused(.unknownKey) {
            return try check(try await provider.keys(now: now, missingKey: true))
        }
    }

    private func refuse(_ error: any Error, _ request: Request) -> Response {
        guard let refusal = error as? SignInRefusal else {
            request.logger.error("Single sign-on failed: \(String(reflecting: type(of: error)))")
            return LoginPages.page(LoginPage(next: nil, error: "Signing in failed; try again."), status: .internalServerError, for: request)
        }
        request.logger.notice("Single sign-on refused: \(refusal.code)")
        return LoginPages.page(LoginPage(next: nil, error: refusal.message), status: APIError.status(of: refusal.kind), for: request)
    }

    /// Where the provider sends the browser back: this server's configured address, never the request's Host.
    static func redirectURI(_ app: Application) -> String {
        app.publicAddress + SiteURL.singleSignOnCallback.path
    }
}
