import AirlockTesting
import Foundation
import Testing

/// The pages through a running `airlock serve` and a cookie-keeping client: log-in, database-stored
/// sessions, anonymous visitors sent to the log-in page, the reference's URLs, and the same authorization as
/// the API (404 for what a visitor cannot see, owners-only changes). CSRF on every form is `CSRFTests`, in-process.
@Suite struct WebPageTests {
    let fixture = ServerProcessFixture()
    let password = ServerProcessFixture.password

    /// A server over the acme/other fixture; `body` gets its base URL, the database, and a way to restart it.
    func withPages(serveArguments: [String] = [],
                   _ body: (_ base: String, _ database: TestDatabase, _ restart: () async throws -> String) async throws -> Void) async throws {
        let database = try await TestDatabase.make()
        defer { try? FileManager.default.removeItem(at: fixture.data) }
        var server: RunningProcess?
        do {
            _ = try await fixture.prepareUsers(database)
            var (running, base) = try await fixture.startServer(database, arguments: serveArguments)
            server = running
            try await body(base, database) {
                #expect(await running.stop() == 0)
                (running, base) = try await fixture.startServer(database, arguments: serveArguments)
                server = running
                return base
            }
            #expect(await running.stop() == 0)
        } catch {
            _ = await server?.stop()
            await database.drop()
            throw error
        }
        await database.drop()
    }

    @Test func anonymousVisitorsGoToTheLoginPageAndComeBack() async throws {
        try await withPages { base, _, _ in
            let browser = Browser(base: base)
            for path in ["/", "/settings/organization_variables", "/terraform/acme/environments", "/terraform/acme/environments/prod",
                         "/terraform/acme/environments/prod/settings", "/organizations/acme", "/terraform/nobody/environments"] {
                let page = try await browser.get(path)
                #expect(page.status == 303, "\(path)")
                #expect(page.location == "/login?next=\(path)", "\(path)")
            }
            let unknown404 = try await browser.get("/no/such/page")
            #expect(unknown404.status == 404)
            #expect(unknown404.body.contains("There is no page at this address."))
            let api = try await LocalHTTP.get(base + "/api/v1/organizations")
            #expect(api.status == 401)
            #expect(api.body.hasPrefix(#"{"error":{"code":"unauthorized""#))

            let wrong = try await browser.logIn("olivia", password: "not the password")
            #expect(wrong.status == 401)
            #expect(wrong.body.contains("Incorrect username or password."))
            let unknown = try await browser.logIn("nobody", password: password)
            #expect(unknown.status == 401)
            #expect(unknown.body.contains("Incorrect username or password."))

            _ = try await browser.get("/login?next=/terraform/acme/environments")
            let loggedIn = try await browser.submit("/login", [("username", "olivia"), ("password", password),
                                                               ("next", "/terraform/acme/environments")])
            #expect(loggedIn.status == 303)
            #expect(loggedIn.location == "/terraform/acme/environments")
            let cookie = try #require(loggedIn.setCookies.first { $0.hasPrefix("airlock_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"))
            let environments = try await browser.get("/terraform/acme/environments")
            #expect(environments.status == 200)
            #expect(environments.body.contains("<h1>Environments of acme</h1>"))
            #expect(environments.body.contains("olivia"))

            // `next` only ever leads to this server.
            let elsewhere = Browser(base: base)
            _ = try await elsewhere.get("/login")
            let redirected = try await elsewhere.submit("/login", [("username", "olivia"), ("password", password), ("next", "//evil.example/x")])
            #expect(redirected.location == "/")
            // Nor to another site through a control character, nor a raw header through CR/LF.
            for next in ["/%0d%0aSet-Cookie:%20injected=1", "/%09/evil.example", "/%0a/evil.example", "/%5c/evil.example", "/%7f/x"] {
                let page = try await elsewhere.get("/login?next=" + next)
                #expect(page.status == 303 && page.location == "/", "\(next): \(page.status) \(page.location ?? "-")")
                #expect(!page.setCookies.contains { $0.contains("injected") }, "\(next)")
            }
        }
    }

    @Test func sessionsLiveInTheDatabaseSurviveARestartAndEndAtLogout() async throws {
        try await withPages { base, _, restart in
            let browser = Browser(base: base)
            #expect(try await browser.logIn("olivia", password: password).status == 303)
            let anonymousCookieWasReplaced = await browser.cookies["airlock_session"]
            let newBase = try await restart()
            let after = Browser(base: newBase)
            await after.setCookies(await browser.cookies)
            let page = try await after.get("/organizations/acme")
            #expect(page.status == 200, "the session survives a restart")
            #expect(page.body.contains("mario"))
            let loggedOut = try await after.submit("/logout", [])
            #expect(loggedOut.status == 303)
            #expect(loggedOut.location == "/login")
            // The old cookie no longer opens anything.
            let replay = Browser(base: newBase)
            await replay.setCookies(["airlock_session": try #require(anonymousCookieWasReplaced)])
            #expect(try await replay.get("/organizations/acme").status == 303)
        }
    }

    @Test func showingTheLoginPageStoresNothingAndDeadSessionsArePurged() async throws {
        try await withPages { base, database, restart in
            let sessions = "SELECT COUNT(*) FROM _fluent_sessions"
            for _ in 0..<30 {
                let page = try await Browser(base: base).get("/login")
                #expect(page.status == 200)
                #expect(!page.setCookies.contains { $0.hasPrefix("airlock_session=") })
            }
            #expect(try await fixture.sql(sessions, database: database) == "0", "a cookieless visit stored a session")
            let olivia = Browser(base: base)
            #expect(try await olivia.logIn("olivia", password: password).status == 303)
            #expect(try await fixture.sql(sessions, database: database) == "1")
            // What older servers left: anonymous sessions, and one whose login expired.
            let userID = UUID().uuidString
            try await _ = fixture.sql("""
                INSERT INTO _fluent_sessions (id, key, data) VALUES
                ('\(UUID().uuidString.lowercased())', 'anonymous-1', '{"csrf":"x"}'),
                ('\(UUID().uuidString.lowercased())', 'anonymous-2', '{}'),
                ('\(UUID().uuidString.lowercased())', 'expired', '{"user_id":"\(userID)","expires_at":"1000"}')
                """, database: database)
            #expect(try await fixture.sql(sessions, database: database) == "4")
            let newBase = try await restart()
            #expect(try await fixture.sql(sessions, database: database) == "1", "the server purges dead sessions when it starts")
            let after = Browser(base: newBase)
            await after.setCookies(await olivia.cookies)
            #expect(try await after.get("/organizations/acme").status == 200, "the live session stays")
        }
    }

    @Test func failedLoginsAreThrottledWithoutLockingTheUserOut() async throws {
        try await withPages { base, _, _ in
            // Twenty wrong passwords at once from one address (a thread and a connection each): at most five are checked.
            let answers = await RawHTTP.inParallel(20) { try await RawHTTP.logIn("mario", password: "guess", at: base, from: "127.0.0.1") }
            let results = answers.map { $0.prefix(12) }
            #expect(results.filter { $0 == "HTTP/1.1 401" }.count <= 5, "\(results)")
            #expect(results.filter { $0 == "HTTP/1.1 429" }.count >= 15, "\(results)")
            let throttled = try await Browser(base: base).logIn("mario", password: password)
            #expect(throttled.status == 429, "even the right password waits")
            #expect(throttled.body.contains("Too many failed logins for mario from your address. Try again in 15 minutes"))
            // Another address is not affected by this one's failures.
            let elsewhere = try await RawHTTP.logIn("mario", password: password, at: base, from: "127.0.0.2")
            #expect(elsewhere.hasPrefix("HTTP/1.1 303"), "\(elsewhere.prefix(300))")

            // Many addresses guessing olivia's password: past the account's limit, those that failed are refused...
            // (three addresses at a time: each guess costs the server a bcrypt, and a hundred at once on a busy
            // machine outlast any client's patience)
            for batch in stride(from: 10, to: 31, by: 3) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for host in batch..<min(batch + 3, 31) {
                        group.addTask {
                            for _ in 0..<5 { _ = try await RawHTTP.logIn("olivia", password: "guess", at: base, from: "127.0.0.\(host)") }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let guesser = try await RawHTTP.logIn("olivia", password: password, at: base, from: "127.0.0.10")
            #expect(guesser.hasPrefix("HTTP/1.1 429"), "\(guesser.prefix(300))")
            let failedOnce = try await RawHTTP.logIn("olivia", password: "typo", at: base, from: "127.0.0.40")
            #expect(failedOnce.hasPrefix("HTTP/1.1 401"))
            let afterTypo = try await RawHTTP.logIn("olivia", password: password, at: base, from: "127.0.0.40")
            #expect(afterTypo.contains("olivia is receiving many failed logins"), "\(afterTypo.prefix(400))")
            // ...and olivia, on a machine that has not failed, still logs in: no lock-out an attacker can cause.
            let olivia = try await RawHTTP.logIn("olivia", password: password, at: base, from: "127.0.0.50")
            #expect(olivia.hasPrefix("HTTP/1.1 303"), "\(olivia.prefix(300))")
        }
    }

    /// Behind a reverse proxy every request comes from its address: other names' failures never refuse a
    /// correct password (the review's 21 anonymous failures locked everyone out of the web UI).
    @Test func otherNamesFailuresNeverRefuseACorrectPassword() async throws {
        try await withPages { base, _, _ in
            for batch in stride(from: 0, to: 24, by: 4) {
                _ = await RawHTTP.inParallel(4) { try await RawHTTP.logIn("nobody\(batch)-\(UUID().uuidString.prefix(4))", password: "guess",
                                                                         at: base, from: "127.0.0.1") }
            }
            let mario = try await RawHTTP.logIn("mario", password: password, at: base, from: "127.0.0.1")
            #expect(mario.hasPrefix("HTTP/1.1 303"), "\(mario.prefix(300))")
            // A name that failed from there, past the address's limit, is refused even with the right password.
            _ = try await RawHTTP.logIn("olivia", password: "typo", at: base, from: "127.0.0.1")
            let olivia = try await RawHTTP.logIn("olivia", password: password, at: base, from: "127.0.0.1")
            #expect(olivia.hasPrefix("HTTP/1.1 429") && olivia.contains("Too many failed logins from your address"), "\(olivia.prefix(400))")
        }
    }

    /// With `--trusted-proxy`, failures count per address the proxy received them from (the right-most
    /// X-Forwarded-For entry that is not a trusted proxy: what a client writes to the left of it counts for nothing).
    @Test func behindATrustedProxyFailuresCountPerForwardedClient() async throws {
        try await withPages(serveArguments: ["--trusted-proxy", "127.0.0.1", "--trusted-proxy", "10.9.0.0/16"]) { base, _, _ in
            for _ in 0..<6 {
                _ = try await RawHTTP.logIn("mario", password: "guess", at: base, from: "127.0.0.1", forwardedFor: "1.2.3.4, 198.51.100.7, 10.9.0.1")
            }
            let same = try await RawHTTP.logIn("mario", password: password, at: base, from: "127.0.0.1", forwardedFor: "198.51.100.7")
            #expect(same.hasPrefix("HTTP/1.1 429"), "the guesser's address is refused: \(same.prefix(300))")
            let spoofed = try await RawHTTP.logIn("mario", password: password, at: base, from: "127.0.0.1", forwardedFor: "198.51.100.8, 198.51.100.7")
            #expect(spoofed.hasPrefix("HTTP/1.1 429"), "an entry the client wrote changes nothing: \(spoofed.prefix(300))")
            let other = try await RawHTTP.logIn("mario", password: password, at: base, from: "127.0.0.1", forwardedFor: "198.51.100.8")
            #expect(other.hasPrefix("HTTP/1.1 303"), "another client behind the same proxy logs in: \(other.prefix(300))")
            // A peer that is no trusted proxy is counted by its own address, whatever it forwards.
            for _ in 0..<6 { _ = try await RawHTTP.logIn("olivia", password: "guess", at: base, from: "127.0.0.2", forwardedFor: "198.51.100.9") }
            let direct = try await RawHTTP.logIn("olivia", password: password, at: base, from: "127.0.0.2", forwardedFor: "198.51.100.10")
            #expect(direct.hasPrefix("HTTP/1.1 429"), "\(direct.prefix(300))")
        }
    }

    @Test func cookiesAreSecureBehindTLS() async throws {
        try await withPages(serveArguments: ["--external-url", "https://airlock.example.com"]) { base, _, _ in
            let browser = Browser(base: base)
            let page = try await browser.get("/login")
            let form = try #require(page.setCookies.first { $0.hasPrefix("airlock_login_csrf=") })
            #expect(form.contains("Secure") && form.contains("HttpOnly") && form.contains("SameSite=Strict"))
            let loggedIn = try await browser.submit("/login", [("username", "olivia"), ("password", password)])
            let cookie = try #require(loggedIn.setCookies.first { $0.hasPrefix("airlock_session=") })
            #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
        }
    }

    @Test func pagesFollowTheAPIsAuthorization() async throws {
        try await withPages { base, _, _ in
            let olivia = Browser(base: base), mario = Browser(base: base), otto = Browser(base: base)
            for (browser, name) in [(olivia, "olivia"), (mario, "mario"), (otto, "otto")] {
                #expect(try await browser.logIn(name, password: password).status == 303)
            }
            // The owner creates an environment and variables through the forms.
            _ = try await olivia.get("/terraform/acme/environments")
            let created = try await olivia.submit("/terraform/acme/environments", [("name", "prod")])
            #expect(created.location == "/terraform/acme/environments/prod")
            #expect(try await olivia.get("/terraform/acme/environments/prod").body.contains("Created environment prod."))
            let duplicate = try await olivia.submit("/terraform/acme/environments", [("name", "prod")])
            #expect(duplicate.location == "/terraform/acme/environments")
            let duplicatePage = try await olivia.get("/terraform/acme/environments")
            #expect(duplicatePage.body.contains(#"id="environment-name-error""#) && duplicatePage.body.contains("already"))
            let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETVALUE"
            _ = try await olivia.get("/settings/organization_variables")
            #expect(try await olivia.submit("/settings/organization_variables",
                                            [("organization", "acme"), ("key", "AWS_SECRET_ACCESS_KEY"), ("value", secret), ("sensitive", "on")]).status == 303)
            #expect(try await olivia.submit("/settings/organization_variables",
                                            [("organization", "acme"), ("key", "AWS_ACCESS_KEY_ID"), ("value", "AKIAPLAIN")]).status == 303)
            let invalidKey = try await olivia.submit("/settings/organization_variables", [("organization", "acme"), ("key", "1BAD"), ("value", "x")])
            #expect(invalidKey.status == 303)
            let variables = try await olivia.get("/settings/organization_variables")
            #expect(variables.body.contains("AWS_SECRET_ACCESS_KEY") && variables.body.contains("Sensitive: write-only"))
            #expect(variables.body.contains("AKIAPLAIN") && !variables.body.contains("1BAD</code>"))
            #expect(variables.body.contains(#"<p class="field-error" id="variable-key-error" role="alert">"#), "the refusal is shown beside the key")
            #expect(variables.body.components(separatedBy: "1BAD").count == 2, "once, beside the field, not again at the top")

            // (path, expected status for: other organization's owner, member, owner)
            let matrix: [(String, [Int])] = [
                ("/organizations/acme", [404, 200, 200]),
                ("/settings/organization_variables?organization=acme", [404, 200, 200]),
                ("/terraform/acme/environments", [404, 200, 200]),
                ("/terraform/acme/environments/prod", [404, 200, 200]),
                ("/terraform/acme/environments/prod/settings", [404, 200, 200]),
                ("/terraform/acme/environments/missing", [404, 404, 404]),
            ]
            for (path, expected) in matrix {
                for (index, browser) in [otto, mario, olivia].enumerated() {
                    let page = try await browser.get(path)
                    #expect(page.status == expected[index], "\(path) as \(["otto", "mario", "olivia"][index])")
                    #expect(!page.body.contains(secret), "\(path) shows a sensitive value")
                    if index == 0 { #expect(!page.body.contains("AKIAPLAIN") && !page.body.contains("mario"), "\(path) leaks to otto") }
                }
            }
            // Members see the settings read-only; their changes are refused and nothing changes.
            let memberSettings = try await mario.get("/terraform/acme/environments/prod/settings")
            #expect(!memberSettings.body.contains("Delete environment"))
            #expect(memberSettings.body.contains("Only organization owners change these settings."))
            // (Members are shown no such forms; one posted anyway is refused before anything runs, as the API refuses it.)
            let memberDelete = try await mario.submit("/terraform/acme/environments/prod/settings/delete", [])
            #expect(memberDelete.status == 403)
            #expect(memberDelete.body.contains("Only the organization&#39;s owners can do this.") || memberDelete.body.contains("Only the organization's owners can do this."),
                    "\(memberDelete.body)")
            #expect(try await mario.get("/terraform/acme/environments/prod/settings").body.contains("Only organization owners"))
            #expect(try await mario.get("/terraform/acme/environments/prod").status == 200)
            let memberVariable = try await mario.submit("/settings/organization_variables", [("organization", "acme"), ("key", "X"), ("value", "y")])
            #expect(memberVariable.status == 403)
            #expect(!(try await olivia.get("/settings/organization_variables").body.contains("<code>X</code>")))
            // Another organization's owner cannot change acme: it does not exist for them.
            _ = try await otto.get("/")
            _ = try await otto.submit("/terraform/acme/environments/prod/settings/delete", [])
            #expect(try await olivia.get("/terraform/acme/environments/prod").status == 200)
            // The owner deletes it.
            _ = try await olivia.get("/terraform/acme/environments/prod/settings")
            let deleted = try await olivia.submit("/terraform/acme/environments/prod/settings/delete", [])
            #expect(deleted.location == "/terraform/acme/environments")
            #expect(try await olivia.get("/terraform/acme/environments/prod").status == 404)
        }
    }
}
