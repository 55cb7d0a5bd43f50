import AirlockTesting
import Foundation
import Testing

/// Policy checks in Chromium: an owner creates policy sets on the page, a plan fails a soft-mandatory one and warns
/// for an advisory one, the run's page shows both, and the owner overrides with a reason and an MFA code, which the
/// history and the audit keep.
@Suite(.serialized) struct PolicyBrowserTests {
    @Test(.enabled(if: WebUITests.hasChromium, "needs Debian's chromium and chromium-driver"))
    func anOwnerOverridesASoftFailureOnTheRunPage() async throws {
        try await WebUITests.withBrowser(failureScreenshot: "policy-failure", serveArguments: ["--policy-engine", PolicyEngineProgram.regorusShim]) {
            browser, world, setup in
            try await MFARunTests.setVariables(world, setup)
            #expect(try await world.call("PATCH", "/organizations/acme/environments/prod", json: #"{"mfa":"applies_only"}"#).status == 200)
            try await WebUITests.logIn(browser, world.base, as: "olivia")
            try await browser.open(world.base + "/organizations/acme")
            try await browser.click("a[href='/organizations/acme/policy-sets']")
            _ = try await browser.waitFor("Create a policy set")
            // A soft-mandatory set, made on the page.
            try await browser.type("change-control", into: "#set-name")
            _ = try await browser.execute("document.querySelector('#set-enforcement').value = 'soft-mandatory'")
            try await browser.type("prod", into: "#set-environments")
            try await browser.type("tickets", into: "#policy-name-new")
            try await browser.type("package airlock.tickets\n\ndeny contains \"a release needs a change ticket in the run's message\" if {\n  not contains(input.run.message, \"CHG-\")\n}\n",
                                   into: "#policy-source-new")
            try await browser.click("form[action='/organizations/acme/policy-sets'] button[type=submit]")
            _ = try await browser.waitFor("Created the policy set change-control.")
            // And an advisory one, through the API.
            let advisory = #"{"name":"advice","enforcement":"advisory","policies":[{"name":"naming","source":"package airlock.naming\n\ndeny contains \"x is not a telling name\" if {\n  some change in input.plan.resource_changes\n  change.name == \"x\"\n}\n"}]}"#
            #expect(try await world.call("POST", "/organizations/acme/policy-sets", json: advisory).status == 201)
            let page = try await WebUITests.check(browser)
            #expect(page.contains("soft-mandatory (an owner may override)") && page.contains("checks prod"), "\(page)")

            #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"x\" {\n  input = \"1\"\n}\n"]).status == 201)
            let run = try await world.queue(as: "mario")
            try await world.expect(run, reaches: "policy_override")
            let runPath = "/terraform/acme/environments/prod/runs/\(run)"
            try await browser.open(world.base + runPath)
            let waiting = try await WebUITests.check(browser)
            #expect(waiting.contains("Policy check soft failed (2 policy sets)"), "\(waiting)")
            #expect(waiting.contains("a release needs a change ticket in the run's message"), "\(waiting)")
            #expect(waiting.contains("x is not a telling name"), "the advisory warning: \(waiting)")
            #expect(waiting.contains("Override the soft-mandatory policy failure"), "\(waiting)")
            try await browser.type("Hotfix INC-7, ticket to follow", into: "#override-reason")
            try await browser.type(await MFARunTests.code(setup), into: "#token-code")
            try await browser.click("form[action='\(runPath)/override-policy'] button[type=submit]")
            _ = try await browser.waitFor("Policy failure overridden; the run waits for Confirm")
            let overridden = try await WebUITests.check(browser)
            #expect(overridden.contains("Overridden by olivia with MFA"), "\(overridden)")
            #expect(overridden.contains("Hotfix INC-7, ticket to follow"), "\(overridden)")
            #expect(overridden.contains("policy override"), "the MFA audit names what the code was for: \(overridden)")
            #expect(overridden.contains("Confirm &amp; Apply with AWS MFA"), "\(overridden)")
            try await browser.screenshot("policy-overridden")
            #expect(try await world.run(run)["state"] as? String == "planned")
        }
    }
}
