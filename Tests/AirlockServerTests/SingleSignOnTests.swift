@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Sign-in through a real OpenID Connect provider (oidc-provider-mock, authlib) on loopback: the first sign-in makes
/// the person, every check of the answer refuses what it must, with the provider's own answers (another audience, an
/// expired token, another issuer or nonce, a replayed or changed state, another browser), and local passwords give
/// way to the identity provider when the operator says so.
@Suite(.serialized) struct SingleSignOnTests {
    static func policy(_ provider: OpenIDProviderProcess, localPasswords: Bool = true, link: Bool = false,
                       lifetime: TimeInterval = 12 * 3600, allowedGroups: [String] = [], usernameDomain: String? = nil) -> SignInPolicy {
        var configuration = SingleSignOnConfiguration(issuer: provider.issuer, clientID: "airlock", clientSecret: "client-secret")
        configuration.displayName = "Example SSO"
        configuration.linkLocalAccounts = link
        configuration.allowedGroups = allowedGroups
        configuration.usernameDomain = usernameDomain
        return SignInPolicy(singleSignOn: configuration, localPasswords: localPasswords, sessionLifetime: lifetime)
    }

    static let alice: [String: any Sendable] = ["preferred_username": "Alice", "email": "alice@example.com", "email_verified": true,
                                                "groups": ["platform"]]

    static func withProvider(_ body: (OpenIDProviderProcess) async throws -> Void) async throws {
        let provider = try await OpenIDProviderProcess.start()
        do {
            try await body(provider)
        } catch {
            await provider.stop()
            throw error
        }
        await provider.stop()
    }

    @Test func aFirstSignInMakesThePersonAndSignsThemIn() async throws {
        try await Self.withProvider { provider in
            try await ServerFixture.with(signIn: Self.policy(provider), clockRuns: true) { fixture in
                try await provider.setClaims("alice-id", Self.alice)
                let login = try await fixture.app.testing().sendRequest(.GET, "/login")
                #expect(login.body.string.contains("Sign in with Example SSO"))
                var browser = SingleSignOnBrowser(fixture, provider)
                let authorization = try #require(URLComponents(string: try await browser.start(next: "/organizations")))
                let asked = Dictionary(uniqueKeysWithValues: (authorization.queryItems ?? []).map { ($0.name, $0.value ?? "") })
                #expect(asked["response_type"] == "code" && asked["client_id"] == "airlock" && asked["code_challenge_method"] == "S256")
                #expect(asked["redirect_uri"] == fixture.app.publicAddress + "/login/sso/callback")
                #expect(asked["scope"] == "openid profile email" && asked["state"]?.count == 43 && asked["nonce"]?.count == 43)
                #expect(asked["code_challenge"]?.count == 43)
                let back = try await browser.finish(try await provider.authorize(authorization.string ?? "", as: "alice-id"))
                #expect(back.status == .seeOther && back.headers.first(name: .location) == "/organizations", "\(back.status) \(back.body.string)")
                let session = try #require(back.headers.setCookie?[WebSession.cookieName]?.string)
                var headers = HTTPHeaders()
                headers.add(name: .cookie, value: "\(WebSession.cookieName)=\(session)")
                let home = try await fixture.app.testing().sendRequest(.GET, "/", headers: headers)
                #expect(home.status == .ok && home.body.string.contains("alice"), "\(home.body.string.prefix(300))")
                let alice = try #require(try await User.query(on: fixture.app.db).filter(\.$username == "alice").first())
                #expect(alice.identityIssuer == provider.issuer && alice.identitySubject == "alice-id" && alice.email == "alice@example.com")
                #expect(alice.lastSignInMethod == .singleSignOn && alice.lastSignInAt != nil && alice.passwordHash.isEmpty)

                // A second sign-in is the same person, whatever the username claim says now.
                try await provider.setClaims("alice-id", Self.alice.merging(["preferred_username": "alice.smith"]) { $1 })
                var again = SingleSignOnBrowser(fixture, provider)
                #expect(try await again.signIn(as: "alice-id").status == .seeOther)
                #expect(try await User.query(on: fixture.app.db).filter(\.$identitySubject == "alice-id").count() == 1)

                // Nobody logs in as alice with a password: she has none.
                let password = try await Self.postLogin(fixture, username: "alice", password: "")
                #expect(password.status == .unauthorized)
            }
        }
    }

    @Test func theProvidersWrongAnswersAreRefusedAndSignNobodyIn() async throws {
        try await Self.withProvider { provider in
            try await ServerFixture.with(signIn: Self.policy(provider), clockRuns: true) { fixture in
                let now = Int(Date().timeIntervalSince1970)
                // What each answer changes of a good one (a claim replaced, or left out), and what the page then says.
                let wrong: [(String, [String: any Sendable], String)] = [
                    ("another audience", ["aud": "another-application"], "issued to another application"),
                    ("an expired token", ["exp": now - 3600], "has expired"),
                    ("another issuer", ["iss": "https://evil.example.com"], "comes from another issuer"),
                    ("another sign-in's nonce", ["nonce": "not-this-sign-ins"], "belongs to another sign-in"),
                    ("no username claim", ["preferred_username": "<absent>"], "has no &quot;preferred_username&quot; claim"),
                    ("an invalid username", ["preferred_username": "Bad Name!"], "does not make a valid username"),
                ]
                for (what, override, message) in wrong {
                    var claims = Self.alice
                    for (key, value) in override { claims[key] = value as? String == "<absent>" ? nil : value }
                    try await provider.setClaims("mallory-id", claims)
                    var browser = SingleSignOnBrowser(fixture, provider)
                    let answer = try await browser.signIn(as: "mallory-id")
                    #expect([.unauthorized, .badRequest].contains(answer.status), "\(what): \(answer.status)")
                    #expect(answer.body.string.contains(message), "\(what): \(answer.body.string)")
                    #expect(answer.headers.setCookie?[WebSession.cookieName] == nil, "\(what) made a session")
                }
                #expect(try await User.query(on: fixture.app.db).filter(\.$identitySubject == "mallory-id").count() == 0)

                // The browser's own mistakes: a replayed answer, a changed state, an answer in another browser.
                try await provider.setClaims("alice-id", Self.alice)
                var browser = SingleSignOnBrowser(fixture, provider)
                let callback = try await provider.authorize(try await browser.start(), as: "alice-id")
                #expect(try await browser.finish(callback).status == .seeOther)
                let replayed = try await browser.finish(callback)
                #expect(replayed.status == .badRequest && replayed.body.string.contains("already used"))

                var changed = SingleSignOnBrowser(fixture, provider)
                let otherCallback = try await provider.authorize(try await changed.start(), as: "alice-id")
                let altered = otherCallback.replacingOccurrences(of: "state=", with: "state=x")
                #expect(try await changed.finish(altered).status == .badRequest)

                var elsewhere = SingleSignOnBrowser(fixture, provider)
                let stolen = try await provider.authorize(try await elsewhere.start(), as: "alice-id")
                let answer = try await elsewhere.finish(stolen, cookie: "another-browsers-cookie")
                #expect(answer.status == .badRequest && answer.body.string.contains("started in another browser"))
                #expect(try await elsewhere.finish(stolen).status == .badRequest, "the binding was used up by the failed attempt")

                // The person declined at the provider.
                var declined = SingleSignOnBrowser(fixture, provider)
                let authorization = try await declined.start()
                let state = try #require(URLComponents(string: authorization)?.queryItems?.first { $0.name == "state" }?.value)
                let refused = try await declined.finish("/login/sso/callback?error=access_denied&state=\(state)")
                #expect(refused.status == .unauthorized && refused.body.string.contains("did not sign you in (access_denied)"))
            }
        }
    }

    @Test func aLocalAccountWithTheVerifiedEmailIsTakenOverOnlyWhenTheOperatorAllows() async throws {
        try await Self.withProvider { provider in
            for link in [false, true] {
                try await ServerFixture.with(signIn: Self.policy(provider, link: link), clockRuns: true) { fixture in
                    try await Accounts.setEmail("mario", "Mario@Example.com", on: fixture.app.db)
                    try await provider.setClaims("mario-id", ["preferred_username": "mario.rossi", "email": "Mario@example.com", "email_verified": true])
                    var browser = SingleSignOnBrowser(fixture, provider)
                    let answer = try await browser.signIn(as: "mario-id")
                    let linked = try #require(try await User.query(on: fixture.app.db).filter(\.$username == "mario").first())
                    if link {
                        #expect(answer.status == .seeOther && linked.identitySubject == "mario-id")
                    } else {
                        #expect(answer.status == .conflict && answer.body.string.contains("A local Airlock account has your email address"))
                        #expect(linked.identitySubject == nil)
                    }
                    // An unverified email takes nothing over, and a taken username is never taken over.
                    try await provider.setClaims("otto-id", ["preferred_username": "otto", "email": "mario@example.com", "email_verified": false])
                    var other = SingleSignOnBrowser(fixture, provider)
                    let taken = try await other.signIn(as: "otto-id")
                    #expect(taken.status == .conflict && taken.body.string.contains("belongs to another Airlock account"))
                }
            }
        }
    }

    @Test func onlyTheAllowedGroupsGetInAndOnlyTheOperatorsDomainGivesShortNames() async throws {
        try await Self.withProvider { provider in
            try await ServerFixture.with(signIn: Self.policy(provider, allowedGroups: ["platform"], usernameDomain: "example.com"), clockRuns: true) { fixture in
                try await provider.setClaims("bob-id", ["preferred_username": "Bob@Example.com", "groups": ["platform", "staff"]])
                var bob = SingleSignOnBrowser(fixture, provider)
                #expect(try await bob.signIn(as: "bob-id").status == .seeOther)
                #expect(try await User.query(on: fixture.app.db).filter(\.$identitySubject == "bob-id").first()?.username == "bob")

                try await provider.setClaims("eve-id", ["preferred_username": "eve@evil.example", "groups": ["platform"]])
                var eve = SingleSignOnBrowser(fixture, provider)
                let foreign = try await eve.signIn(as: "eve-id")
                #expect(foreign.status == .badRequest && foreign.body.string.contains("--oidc-username-domain"))

                // A Kelvin sign lowercases to "k": refused rather than handed someone else's name.
                try await provider.setClaims("kelvin-id", ["preferred_username": "\u{212A}arl", "groups": ["platform"]])
                var kelvin = SingleSignOnBrowser(fixture, provider)
                #expect(try await kelvin.signIn(as: "kelvin-id").status == .badRequest)

                try await provider.setClaims("carol-id", ["preferred_username": "carol", "groups": ["contractors"]])
                var carol = SingleSignOnBrowser(fixture, provider)
                let outside = try await carol.signIn(as: "carol-id")
                #expect(outside.status == .forbidden && outside.body.string.contains("none of the groups this server lets in"))
                #expect(try await User.query(on: fixture.app.db).filter(\.$identitySubject ~~ ["eve-id", "kelvin-id", "carol-id"]).count() == 0)
            }
        }
    }

    @Test func aSignInBringsThePersonIntoTheTeamsTheirGroupsMapToAndTheNextWithoutTheGroupTakesThemOut() async throws {
        try await Self.withProvider { provider in
            try await ServerFixture.with(signIn: Self.policy(provider), clockRuns: true) { fixture in
                let olivia = try await fixture.user("olivia").requireID()
                try await Teams.create("platform-team", group: "platform", in: "acme", actorID: olivia, clock: fixture.app.clock, on: fixture.app.db)
                try await provider.setClaims("alice-id", Self.alice)
                var browser = SingleSignOnBrowser(fixture, provider)
                #expect(try await browser.signIn(as: "alice-id").status == .seeOther)
                let alice = try await fixture.user("alice").requireID()
                #expect(try await Teams.list(in: "acme", actorID: alice, on: fixture.app.db).first?.members.map(\.username) == ["alice"])
                // Removed from the group at the provider: the next sign-in takes her out of the team and the organization.
                var claims = Self.alice
                claims["groups"] = ["staff"]
                try await provider.setClaims("alice-id", claims)
                var again = SingleSignOnBrowser(fixture, provider)
                #expect(try await again.signIn(as: "alice-id").status == .seeOther)
                #expect(try await Membership.query(on: fixture.app.db).filter(\.$user.$id == alice).count() == 0)
                #expect(try await TeamMembership.query(on: fixture.app.db).filter(\.$user.$id == alice).count() == 0)
            }
        }
    }

    @Test func oneAddressHasAtMostAHundredSignInsUnderWayAndANewOneDropsItsOldest() async throws {
        try await Self.withProvider { provider in
            try await ServerFixture.with(signIn: Self.policy(provider), clockRuns: true) { fixture in
                try await provider.setClaims("alice-id", Self.alice)
                var first = SingleSignOnBrowser(fixture, provider)
                let oldest = try await first.start()
                for _ in 0..<PendingSignIn.maximumPerAddress {
                    #expect(try await fixture.app.testing().sendRequest(.GET, "/login/sso").status == .seeOther)
                }
                #expect(try await PendingSignIn.query(on: fixture.app.db).count() == PendingSignIn.maximumPerAddress)
                // The oldest went to make room: its answer is one the server no longer knows.
                let dropped = try await first.finish(try await provider.authorize(oldest, as: "alice-id"))
                #expect(dropped.status == .badRequest && dropped.body.string.contains("This sign-in is not valid"), "\(dropped.status)")
                var fresh = SingleSignOnBrowser(fixture, provider)
                #expect(try await fresh.signIn(as: "alice-id").status == .seeOther)
            }
        }
    }

    @Test func withLocalPasswordsOffOnlyAdministratorsBreakGlassAndItIsRecorded() async throws {
        try await Self.withProvider { provider in
            try await ServerFixture.with(signIn: Self.policy(provider, localPasswords: false), clockRuns: true) { fixture in
                let page = try await fixture.app.testing().sendRequest(.GET, "/login")
                #expect(page.body.string.contains("Sign in with Example SSO") && !page.body.string.contains("name=\"password\""))
                #expect(try await Self.postLogin(fixture, username: "mario", password: ServerFixture.password).status == .forbidden)
                #expect(try await Self.postLogin(fixture, username: "mario", password: ServerFixture.password, breakGlass: true).status == .unauthorized)
                let olivia = try await Self.postLogin(fixture, username: "olivia", password: ServerFixture.password, breakGlass: true)
                #expect(olivia.status == .seeOther)
                let record = try #require(try await User.query(on: fixture.app.db).filter(\.$username == "olivia").first())
                #expect(record.lastSignInMethod == .breakGlass)
            }
        }
    }

    @Test func aSessionEndsAfterTheOperatorsLifetime() async throws {
        try await Self.withProvider { provider in
            try await ServerFixture.with(signIn: Self.policy(provider, lifetime: 3600), clockRuns: true) { fixture in
                try await provider.setClaims("alice-id", Self.alice)
                var browser = SingleSignOnBrowser(fixture, provider)
                let back = try await browser.signIn(as: "alice-id")
                let session = try #require(back.headers.setCookie?[WebSession.cookieName]?.string)
                var headers = HTTPHeaders()
                headers.add(name: .cookie, value: "\(WebSession.cookieName)=\(session)")
                #expect(try await fixture.app.testing().sendRequest(.GET, "/", headers: headers).status == .ok)
                fixture.clock.advance(by: 3601)
                #expect(try await fixture.app.testing().sendRequest(.GET, "/", headers: headers).status == .seeOther)
            }
        }
    }

    static func postLogin(_ fixture: ServerFixture, username: String, password: String, breakGlass: Bool = false) async throws -> TestingHTTPResponse {
        // The break-glass form has the CSRF token even with local passwords off (with them on, it is the usual form).
        let form = try await fixture.app.testing().sendRequest(.GET, "/login?break-glass=1")
        let token = try #require(form.body.string.firstMatch(of: /name="csrf_token" value="([A-Za-z0-9_-]+)"/).map { String($0.1) })
        var headers = HTTPHeaders()
        headers.add(name: .cookie, value: "\(CSRF.anonymousCookieName)=\(token)")
        headers.contentType = .urlEncodedForm
        let body = "username=\(username)&password=\(password.replacingOccurrences(of: " ", with: "+"))&csrf_token=\(token)"
            + (breakGlass ? "&break_glass=1" : "")
        return try await fixture.app.testing().sendRequest(.POST, "/login", headers: headers, body: ByteBuffer(string: body))
    }
}
