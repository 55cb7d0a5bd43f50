import AirlockTesting
import Foundation
import Testing

/// Signing in through the identity provider in headless Chromium: a real `airlock serve` with local passwords off,
/// a real OpenID provider (oidc-provider-mock) on loopback, the browser following both redirects. Nothing of the
/// client secret, the code or the tokens reaches the server's output.
@Suite(.serialized) struct SingleSignOnBrowserTests {
    @Test(.enabled(if: WebUITests.hasChromium, "needs Debian's chromium and chromium-driver"))
    func aPersonSignsInThroughTheProviderInABrowser() async throws {
        let provider = try await OpenIDProviderProcess.start()
        defer { Task { await provider.stop() } }
        try await provider.setClaims("alice-id", ["preferred_username": "alice@example.com", "email": "alice@example.com",
                                                  "email_verified": true, "groups": ["platform"]])
        let fixture = ServerProcessFixture()
        let database = try await TestDatabase.make()
        defer { try? FileManager.default.removeItem(at: fixture.data) }
        _ = try await fixture.prepareUsers(database)
        let secretFile = fixture.data.appendingPathComponent("oidc-client-secret")
        let secret = "client-secret-\(UUID().uuidString)"
        try Data((secret + "\n").utf8).write(to: secretFile)
        let (server, base) = try await fixture.startServer(database, arguments: [
            "--oidc-issuer", provider.issuer, "--oidc-client-id", "airlock", "--oidc-client-secret-file", secretFile.path,
            "--oidc-name", "Example SSO", "--oidc-username-domain", "example.com", "--no-local-passwords",
        ])
        let browser = try await WebDriver.start()
        do {
            try await browser.open(base + "/")
            var page = try await browser.waitFor("Sign in with Example SSO")
            #expect(!page.contains("id=\"password\""), "local passwords are off")
            try await browser.click("#single-sign-on")
            _ = try await browser.waitFor("Authorize Client")
            #expect(try await browser.currentURL().hasPrefix(provider.issuer))
            try await browser.type("alice-id", into: "input[name=sub]")
            try await browser.click("form[method=post] button[type=submit]")
            page = try await browser.waitFor("<h1>Organizations</h1>")
            #expect(try await browser.currentURL() == base + "/")
            #expect(page.contains("alice"))
            _ = try await browser.screenshot("single-sign-on")
        } catch {
            _ = try? await browser.screenshot("single-sign-on-failure")
            await browser.quit()
            _ = await server.stop()
            Issue.record("The server's output:\n\(server.printed)")
            await database.drop()
            throw error
        }
        await browser.quit()
        #expect(await server.stop() == 0)
        let output = server.printed
        #expect(!output.contains(secret) && !output.contains("eyJ"), "the server's output holds a secret or a token")
        #expect(try await fixture.sql("SELECT username || ' ' || last_sign_in_method FROM users WHERE identity_subject = 'alice-id'",
                                      database: database) == "alice single-sign-on")
        await database.drop()
    }
}
