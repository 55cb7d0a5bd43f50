import AirlockTesting
import Foundation
import Testing

/// The approver's view, in Chromium at a laptop's 1280 and a phone's 390 pixels: under four eyes, two approvals and
/// personal devices, the person who queued the run (otto), the first approver (olivia) and the second (mario) each read what the run still
/// waits for, who approved with which device and when, and whether they may approve and with which device or why
/// not; the lock stays closed until the last approval; no page scrolls sideways.
@Suite(.serialized) struct ApproverViewBrowserTests {
    /// The approvers' own devices (the test STS knows these two); otto, who queues the run, has none.
    static let devices = ["olivia": "arn:aws:iam::123456789012:mfa/olivia-key", "mario": "arn:aws:iam::123456789012:mfa/mario-phone"]

    @Test(.enabled(if: WebUITests.hasChromium, "needs Debian's chromium and chromium-driver"), arguments: [1280, 390])
    func eachPersonReadsWhatTheRunStillWaitsForAndFromWhom(width: Int) async throws {
        try await WebUITests.withBrowser(failureScreenshot: "failure-approver-view-\(width)") { browser, world, setup in
            try await browser.setWindowSize(width: width, height: 1000)
            let base = world.base
            #expect(try await world.call("PUT", "/organizations/acme/members/otto", json: #"{"role":"member"}"#).status == 200)
            try await MFARunTests.setVariables(world, setup)
            let rules = #"{"mfa":"applies_only","requirePersonalMfaDevice":true,"approverMustDifferFromQueuer":true,"requiredApprovals":2}"#
            #expect(try await world.call("PATCH", "/organizations/acme/environments/prod", json: rules).status == 200)
            try await WebUITests.registerDevices(Self.devices.map { ($0.key, $0.value) }, world, setup)
            #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"release\" {\n  input = \"1\"\n}\n"]).status == 201)
            let run = try await world.queue(as: "otto")
            try await world.expect(run, reaches: "planned")
            let runPath = "/terraform/acme/environments/prod/runs/\(run)"
            func fits(_ what: String) async throws {
                let (pixels, culprit) = try await browser.sidewaysOverflow()
                #expect(pixels <= 0, "\(what) at \(width) px scrolls sideways by \(pixels) px (\(culprit))")
                if pixels > 0 { try await browser.screenshot("failure-approver-view-sideways-\(width)") }
            }

            // The person who queued it: two approvals wanted, not theirs (four eyes); the lock closed.
            try await WebUITests.logIn(browser, base, as: "otto")
            try await fits("the organizations page")
            var page = try await WebUITests.visit(browser, base, runPath)
            #expect(page.contains("Waiting for 2 more approvals, each with an AWS MFA token code."), "\(page)")
            #expect(page.contains("You cannot approve this apply. Four eyes: otto queued this run, so another member must approve its apply."))
            #expect(page.contains(#"data-mfa="neutral""#))
            try await fits("the queuer's run page")
            page = try await WebUITests.visit(browser, base, "/terraform/acme/environments/prod")
            #expect(page.contains("Waiting for 2 more approvals"), "the environment's page says what the run waits for")
            #expect(page.contains("Approvals: 2 approvals per apply, from different people · four eyes: whoever queues a run may not approve its apply · codes from each person&#39;s own MFA device only.")
                    || page.contains("Approvals: 2 approvals per apply, from different people · four eyes: whoever queues a run may not approve its apply · codes from each person's own MFA device only."),
                    "\(page)")
            try await fits("the environment's page")
            try await browser.screenshot("17-approver-view-queuer-\(width)")
            try await browser.click("form[action='/logout'] button")

            // The first approver, with their own device; then the run waits for one more, the lock still closed.
            try await WebUITests.logIn(browser, base, as: "olivia")
            page = try await WebUITests.visit(browser, base, runPath)
            #expect(page.contains("You may approve this apply with a code from your own MFA device (\(Self.devices["olivia"] ?? ""))."), "\(page)")
            try await browser.type(try #require(await setup.sts.engine.currentCode(forDevice: Self.devices["olivia"] ?? "")), into: "#token-code")
            try await browser.click("form[action$='/confirm'] button[type=submit]")
            page = try await browser.waitFor("Approved by 1 of 2; waiting for 1 more approval, each with an AWS MFA token code.", seconds: 60)
            #expect(page.contains(#"data-mfa="awaiting""#), "closed until the last approval")
            #expect(page.contains("Approved with MFA by olivia (1 of 2); waiting for 1 more"))
            #expect(!page.contains("<strong>Authenticated with MFA by olivia"), "the lock does not read as if the run were authenticated")
            #expect(page.contains("<strong>olivia</strong> approved at"))
            #expect(page.contains("with MFA device <code class=\"wrap\">\(Self.devices["olivia"] ?? "")</code>"))
            #expect(page.contains("You cannot approve this apply. You approved this run already (1 of 2 approvals)"))
            try await fits("the first approver's run page")
            try await browser.screenshot("18-approver-view-first-\(width)")
            try await browser.click("form[action='/logout'] button")

            // The second approver: the API says the same; their code completes the approval and the apply runs.
            let seen = try await world.call("GET", "/runs/\(run)", as: "mario")
            let awaiting = (try JSONSerialization.jsonObject(with: Data(seen.body.utf8)) as? [String: Any])?["awaiting"] as? [String: Any] ?? [:]
            let viewer = awaiting["viewer"] as? [String: Any] ?? [:]
            #expect(awaiting["need"] as? String == "approval" && viewer["may"] as? Bool == true, "\(seen.body)")
            #expect(viewer["device"] as? String == Self.devices["mario"] && viewer["deviceIsTheirs"] as? Bool == true, "\(seen.body)")
            #expect((awaiting["approvals"] as? [[String: Any]])?.first?["device"] as? String == Self.devices["olivia"], "\(seen.body)")
            try await WebUITests.logIn(browser, base, as: "mario")
            page = try await WebUITests.visit(browser, base, runPath)
            #expect(page.contains("You may approve this apply with a code from your own MFA device (\(Self.devices["mario"] ?? ""))."), "\(page)")
            try await fits("the second approver's run page")
            try await browser.type(try #require(await setup.sts.engine.currentCode(forDevice: Self.devices["mario"] ?? "")), into: "#token-code")
            try await browser.click("form[action$='/confirm'] button[type=submit]")
            page = try await browser.waitFor("Apply complete!", seconds: 120)
            #expect(page.contains(#"data-mfa="authenticated""#))
            #expect(page.contains("Authenticated with MFA by olivia and mario"), "every approver named once the lock opens")
            #expect(!page.contains(#"id="awaiting""#), "nothing is awaited any more")
            try await fits("the applied run's page")
            try await browser.screenshot("19-approver-view-applied-\(width)")
            // Every other page fits too, as an owner sees it.
            try await browser.click("form[action='/logout'] button")
            try await WebUITests.logIn(browser, base, as: "olivia")
            for path in ["/organizations/acme/mfa-device", "/terraform/acme/environments", "/terraform/acme/environments/prod", "/terraform/acme/environments/prod/settings",
                         "/organizations/acme", "/organizations/acme/teams", "/organizations/acme/policy-sets", "/organizations/acme/notifications",
                         "/settings/organization_variables", "/settings/tokens"] {
                _ = try await WebUITests.visit(browser, base, path)
                try await fits(path)
            }
        }
    }
}
