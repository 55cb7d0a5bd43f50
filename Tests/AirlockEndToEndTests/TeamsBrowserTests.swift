import AirlockTesting
import Foundation
import Testing

/// Teams and step-up in headless Chromium, against a real `airlock serve`, a real OpenID provider (oidc-provider-mock)
/// on loopback, the real Terraform and the project's test STS: a person signs in through the provider, lands in the
/// team their group maps to, approves where the team may (sent back to the provider first, their sign-in being too
/// old for the environment's step-up rule) and is refused where it may only read; the audit names both factors.
@Suite(.serialized) struct TeamsBrowserTests {
    @Test(.enabled(if: WebUITests.hasChromium, "needs Debian's chromium and chromium-driver"))
    func aPersonLandsInTheirGroupsTeamApprovesWhereItMayAfterAStepUpAndIsRefusedElsewhere() async throws {
        let provider = try await OpenIDProviderProcess.start()
        defer { Task { await provider.stop() } }
        let secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-oidc-secret-\(UUID().uuidString)")
        try Data("client-secret\n".utf8).write(to: secretFile)
        defer { try? FileManager.default.removeItem(at: secretFile) }
        // Her sign-in at the provider an hour ago, with a password only.
        var alice: [String: any Sendable] = ["preferred_username": "alice", "email": "alice@example.com", "email_verified": true,
                                             "groups": ["deployers"], "auth_time": Int(Date().timeIntervalSince1970) - 3600, "amr": ["pwd"]]
        try await provider.setClaims("alice-id", alice)
        let oidc = ["--oidc-issuer", provider.issuer, "--oidc-client-id", "airlock", "--oidc-client-secret-file", secretFile.path,
                    "--oidc-name", "Example SSO"]
        try await WebUITests.withBrowser(failureScreenshot: "failure-teams", serveArguments: oidc) { browser, world, setup in
            let base = world.base
            try await MFARunTests.setVariables(world, setup)
            #expect(try await world.call("POST", "/organizations/acme/environments", json: #"{"name":"staging"}"#).status == 201)
            #expect(try await world.call("PATCH", "/organizations/acme/environments/prod",
                                         json: #"{"mfa":"applies_only","approvalSignInMinutes":10}"#).status == 200)
            // The owner makes the team on its page, following the provider's group, and gives it access.
            try await WebUITests.logIn(browser, base, as: "olivia")
            _ = try await WebUITests.visit(browser, base, "/organizations/acme/teams")
            try await browser.type("deploy", into: "#team-name")
            try await browser.type("deployers", into: "#team-group")
            try await browser.click("form[action='/organizations/acme/teams'] button[type=submit]")
            _ = try await browser.waitFor("Created the team deploy.")
            for (environment, access) in [("prod", "approve"), ("staging", "read")] {
                _ = try await WebUITests.visit(browser, base, "/terraform/acme/environments/\(environment)/settings")
                try await browser.click("#team-access-level option[value='\(access)']")
                try await browser.click("form[action$='/settings/team-access'] button[type=submit]")
                _ = try await browser.waitFor("deploy may")
            }
            try await browser.click("form[action='/logout'] button")
            for environment in ["prod", "staging"] {
                #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"release\" {\n  input = \"1\"\n}\n"], to: environment).status == 201)
            }
            let (prodRun, stagingRun) = (try await world.queue("prod"), try await world.queue("staging"))
            try await world.expect(prodRun, reaches: "planned")
            try await world.expect(stagingRun, reaches: "planned")

            // alice signs in through the provider and lands in the team her group maps to.
            try await browser.open(base + "/login")
            try await browser.click("#single-sign-on")
            _ = try await browser.waitFor("Authorize Client")
            try await browser.type("alice-id", into: "input[name=sub]")
            try await browser.click("form[method=post] button[type=submit]")
            _ = try await browser.waitFor("<h1>Organizations</h1>")
            var page = try await WebUITests.visit(browser, base, "/organizations/acme/teams")
            #expect(page.contains("alice <span class=\"muted\">(from the group)</span>"), "\(page)")

            // Refused where her team may only read.
            _ = try await WebUITests.visit(browser, base, "/terraform/acme/environments/staging/runs/\(stagingRun)")
            try await browser.click("form[action$='/confirm'] button[type=submit]")
            page = try await browser.waitFor("staging is restricted to teams, and yours may read there")
            try await WebUITests.check(browser)
            try await browser.screenshot("16-team-may-only-read")

            // In prod her sign-in is too old: the approval sends her back to the provider, which now reports a fresh sign-in
            // with a second factor; back on the run's page she approves with her code.
            alice["auth_time"] = Int(Date().timeIntervalSince1970)
            alice["amr"] = ["pwd", "otp"]
            try await provider.setClaims("alice-id", alice)
            _ = try await WebUITests.visit(browser, base, "/terraform/acme/environments/prod/runs/\(prodRun)")
            try await browser.type(await MFARunTests.freshCode(setup), into: "#token-code")
            try await browser.click("form[action$='/confirm'] button[type=submit]")
            _ = try await browser.waitFor("Authorize Client")
            #expect(try await browser.currentURL().contains("max_age=600"))
            try await browser.type("alice-id", into: "input[name=sub]")
            try await browser.click("form[method=post] button[type=submit]")
            _ = try await browser.waitFor("Signed in again at the identity provider")
            #expect(try await browser.currentURL().hasSuffix("/runs/\(prodRun)"))
            try await browser.type(await MFARunTests.freshCode(setup), into: "#token-code")
            try await browser.click("form[action$='/confirm'] button[type=submit]")
            page = try await browser.waitFor("Apply complete!", seconds: 120)
            try await WebUITests.check(browser)
            #expect(page.contains("Authenticated with MFA by alice"))
            // The minutes depend on how long the steps above took; the factors do not.
            #expect(page.contains("signed in at the identity provider ") && page.contains(" min before (pwd, otp)"), "the audit names both factors")
            try await browser.screenshot("17-team-approves-after-step-up")
        }
    }
}
