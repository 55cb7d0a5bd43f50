import AirlockTesting
import Foundation
import Testing

/// Every MFA flow in a real browser: headless Chromium over WebDriver against a real `airlock serve`, the
/// real Terraform and the project's test STS. Screenshots of the key pages go to `test-artifacts/`. Every page
/// visited is checked for secrets and server errors.
@Suite(.serialized) struct WebUITests {
    static var hasChromium: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") }

    /// Opens `path`, fails on a server error page or a secret in it, and returns the page.
    static func visit(_ browser: WebDriver, _ base: String, _ path: String) async throws -> String {
        try await browser.open(base + path)
        return try await check(browser)
    }

    @discardableResult
    static func check(_ browser: WebDriver) async throws -> String {
        let page = try await browser.source()
        let url = try await browser.currentURL()
        #expect(!page.contains("Something went wrong"), "a server error on \(url)")
        for secret in [MFARunTests.anika.secretAccessKey, MFARunTests.anika.mfaSecret!] {
            #expect(!page.contains(secret), "a secret on \(url)")
        }
        return page
    }

    /// A headless browser beside a server with the test STS (`MFARunTests.withMFAWorld`); on failure, a screenshot.
    static func withBrowser(failureScreenshot: String, serveArguments: [String] = [],
                            _ body: (WebDriver, RunWorld, MFARunTests.Setup) async throws -> Void) async throws {
        try await MFARunTests.withMFAWorld(serveArguments: serveArguments) { world, setup in
            let browser = try await WebDriver.start()
            do {
                try await body(browser, world, setup)
            } catch {
                try? await browser.screenshot(failureScreenshot)
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }

    static func logIn(_ browser: WebDriver, _ base: String, as user: String) async throws {
        try await browser.open(base + "/login")
        try await browser.type(user, into: "#username")
        try await browser.type(ServerProcessFixture.password, into: "#password")
        try await browser.click("form[action='/login'] button[type=submit]")
        _ = try await browser.waitFor("<h1>Organizations</h1>")
        try await check(browser)
    }

    @Test(.enabled(if: hasChromium, "needs Debian's chromium and chromium-driver"))
    func ownerSetsUpMemberAuthenticatesBothLevels() async throws {
        try await Self.withBrowser(failureScreenshot: "failure") { browser, world, setup in
            try await Self.flows(browser, world, setup)
        }
    }

    static func flows(_ browser: WebDriver, _ world: RunWorld, _ setup: MFARunTests.Setup) async throws {
        let base = world.base
        // An anonymous visitor lands on the login page.
        try await browser.open(base + "/terraform/acme/environments/prod")
        let landed = try await browser.currentURL()
        #expect(landed.contains("/login?next=/terraform/acme/environments/prod"))
        try await browser.screenshot("01-login")

        // The owner sets the organization variables and "applies only".
        try await logIn(browser, base, as: "olivia")
        _ = try await visit(browser, base, "/settings/organization_variables?organization=acme")
        for (key, value, sensitive) in [("AWS_ACCESS_KEY_ID", MFARunTests.anika.accessKeyID, false),
                                        ("AWS_SECRET_ACCESS_KEY", MFARunTests.anika.secretAccessKey, true),
                                        ("AWS_MFA_SERIAL_NUMBER", MFARunTests.anika.mfaSerial!, false)] {
            try await browser.type(key, into: "#variable-key")
            try await browser.type(value, into: "#variable-value")
            if sensitive { try await browser.click("input[name=sensitive]") }
            try await browser.click("form[action='/settings/organization_variables'] button[type=submit]")
            _ = try await browser.waitFor("Saved \(key).")
            try await check(browser)
        }
        #expect(try await check(browser).contains("Sensitive: write-only"))
        try await browser.screenshot("02-organization-variables")
        _ = try await visit(browser, base, "/terraform/acme/environments/prod/settings")
        try await browser.click("#mfa option[value=applies_only]")
        try await browser.click("form[action='/terraform/acme/environments/prod/settings'] button[type=submit]")
        let saved = try await browser.waitFor("Settings saved.")
        try await check(browser)
        #expect(saved.contains(#"<option value="applies_only" selected="">applies only</option>"#))
        try await browser.screenshot("03-environment-settings")
        #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"release\" {\n  input = \"1\"\n}\n"]).status == 201)
        try await browser.click("form[action='/logout'] button")

        // A member queues a plan; a wrong code turns the lock red with STS's message; a fresh one applies.
        try await logIn(browser, base, as: "mario")
        _ = try await visit(browser, base, "/terraform/acme/environments/prod")
        try await browser.type("release 1", into: "#run-message")
        try await browser.click("form[action='/terraform/acme/environments/prod/runs'] button[type=submit]")
        // No reload: the page's script follows the run and shows the token field once it is planned.
        var page = try await browser.waitFor("<button type=\"submit\">Authenticate</button>", seconds: 120)
        #expect(page.contains(#"data-mfa="neutral""#))
        try await browser.screenshot("04-run-planned")
        try await browser.type(await MFARunTests.wrongCode(setup), into: "#token-code")
        try await browser.click("form[action$='/confirm'] button[type=submit]")
        page = try await browser.waitFor(#"data-mfa="failed""#)
        try await check(browser)
        #expect(page.contains(#"data-mfa="failed""#) && page.contains("Authentication failed"))
        #expect(page.contains("MultiFactorAuthentication failed with invalid MFA one time pass code."))
        try await browser.screenshot("05-authentication-failed")
        try await browser.type(await MFARunTests.code(setup), into: "#token-code")
        try await browser.click("form[action$='/confirm'] button[type=submit]")
        page = try await browser.waitFor("Apply complete!", seconds: 120)
        #expect(page.contains(#"data-mfa="authenticated""#) && page.contains("Authenticated with MFA by mario"))
        try await check(browser)
        try await browser.screenshot("06-applied")
        try await browser.click("form[action='/logout'] button")

        // "plans and applies": the code comes before the plan is queued, and again before the apply.
        try await logIn(browser, base, as: "olivia")
        _ = try await visit(browser, base, "/terraform/acme/environments/prod/settings")
        try await browser.click("#mfa option[value=plans_and_applies]")
        try await browser.click("form[action='/terraform/acme/environments/prod/settings'] button[type=submit]")
        _ = try await browser.waitFor("Settings saved.")
        try await check(browser)
        #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"release\" {\n  input = \"2\"\n}\n"]).status == 201)
        page = try await visit(browser, base, "/terraform/acme/environments/prod")
        #expect(page.contains("<button type=\"submit\">Authenticate</button>"))
        try await browser.type(await MFARunTests.freshCode(setup), into: "#token-code")
        try await browser.click("form[action='/terraform/acme/environments/prod/runs'] button[type=submit]")
        // The run's page once planned (its confirm form), not the environment page's queue form, which has an
        // Authenticate button too.
        page = try await browser.reload(until: "/confirm\"")
        #expect(page.contains("<button type=\"submit\">Authenticate</button>"))
        #expect(page.contains("Authenticated with MFA by olivia"))
        try await browser.screenshot("07-plans-and-applies-planned")
        try await browser.type(await MFARunTests.freshCode(setup), into: "#token-code")
        try await browser.click("form[action$='/confirm'] button[type=submit]")
        page = try await browser.reload(until: "Apply complete!")
        #expect(page.components(separatedBy: "Authenticated with MFA by olivia").count >= 3, "in the plan log, the apply log and the lock")
        try await browser.screenshot("08-plans-and-applies-applied")
        _ = try await visit(browser, base, "/terraform/acme/environments/prod")
        try await browser.screenshot("09-environment-with-audit")
    }

    /// An owner requires personal devices; a member's code from the shared device is refused (the lock red with
    /// why); they register their own device on the organization's page and approve with it.
    @Test(.enabled(if: hasChromium, "needs Debian's chromium and chromium-driver"))
    func aMemberRegistersTheirOwnDeviceAndApprovesWithIt() async throws {
        try await Self.withBrowser(failureScreenshot: "failure-personal-device") { browser, world, setup in
            try await Self.personalDeviceFlow(browser, world, setup)
        }
    }

    static func personalDeviceFlow(_ browser: WebDriver, _ world: RunWorld, _ setup: MFARunTests.Setup) async throws {
        let (base, device) = (world.base, "arn:aws:iam::123456789012:mfa/mario-phone")
        try await MFARunTests.setVariables(world, setup)
        try await logIn(browser, base, as: "olivia")
        _ = try await visit(browser, base, "/terraform/acme/environments/prod/settings")
        try await browser.click("#mfa option[value=applies_only]")
        try await browser.click("input[name=require_personal_mfa_device]")
        try await browser.click("form[action='/terraform/acme/environments/prod/settings'] button[type=submit]")
        let saved = try await browser.waitFor("Settings saved.")
        #expect(saved.contains(#"name="require_personal_mfa_device" value="on" checked="""#), "the box stays ticked")
        try await browser.click("form[action='/logout'] button")
        #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"release\" {\n  input = \"1\"\n}\n"]).status == 201)

        try await logIn(browser, base, as: "mario")
        _ = try await visit(browser, base, "/terraform/acme/environments/prod")
        try await browser.click("form[action='/terraform/acme/environments/prod/runs'] button[type=submit]")
        _ = try await browser.waitFor("<button type=\"submit\">Authenticate</button>", seconds: 120)
        let runPage = try await browser.currentURL()
        let shared = try #require(await setup.sts.engine.currentCode(forDevice: MFARunTests.anika.mfaSerial!))
        try await browser.type(shared, into: "#token-code")
        try await browser.click("form[action$='/confirm'] button[type=submit]")
        var page = try await browser.waitFor(#"data-mfa="failed""#)
        #expect(page.contains("This environment requires your own MFA device"), "\(page)")
        try await browser.screenshot("10-personal-device-required")

        _ = try await visit(browser, base, "/organizations/acme")
        try await browser.type(device, into: "#mfa-device-serial")
        try await browser.type(try #require(await setup.sts.engine.currentCode(forDevice: device)), into: "#mfa-device-first-code")
        try await browser.type(try #require(await setup.sts.engine.currentCode(forDevice: device, steps: 1)), into: "#mfa-device-second-code")
        try await browser.click("form[action='/organizations/acme/mfa-device'] button[type=submit]")
        page = try await browser.waitFor("now go to AWS with your own device")
        #expect(page.contains("<code>\(device)</code>"))
        await setup.sts.engine.advanceClock(by: 90)  // past the two codes the registration used
        try await browser.screenshot("11-personal-device-registered")

        try await browser.open(runPage)
        _ = try await check(browser)
        try await browser.type(try #require(await setup.sts.engine.currentCode(forDevice: device)), into: "#token-code")
        try await browser.click("form[action$='/confirm'] button[type=submit]")
        page = try await browser.waitFor("Apply complete!", seconds: 120)
        #expect(page.contains("Authenticated with MFA by mario"))
        #expect(page.contains("MFA device: \(device)"))
        #expect(page.contains("<td><code>\(device)</code></td>"), "the audit names the device")
        try await check(browser)
        try await browser.screenshot("12-approved-with-own-device")
    }

    /// Four eyes and two approvals in the browser: the owner sets them on the settings page; the member who queued
    /// the run is refused with why; two other people approve, the page counting, and the apply runs. Then two people
    /// approve an MFA-gated apply, each with a code from their own device.
    @Test(.enabled(if: hasChromium, "needs Debian's chromium and chromium-driver"))
    func fourEyesAndTwoApprovals() async throws {
        try await Self.withBrowser(failureScreenshot: "failure-four-eyes") { browser, world, setup in
            try await Self.fourEyesFlow(browser, world, setup)
        }
    }

    /// Registers each person's own device over the API (two consecutive codes each), then moves the test STS's clock
    /// past those codes, so the next code asked for is a fresh one.
    static func registerDevices(_ devices: [(user: String, device: String)], _ world: RunWorld, _ setup: MFARunTests.Setup) async throws {
        for (user, device) in devices {
            let codes = [try #require(await setup.sts.engine.currentCode(forDevice: device)),
                         try #require(await setup.sts.engine.currentCode(forDevice: device, steps: 1))]
            let registered = try await world.call("PUT", "/organizations/acme/mfa-device", as: user,
                                                  json: #"{"serial":"\#(device)","codes":["\#(codes[0])","\#(codes[1])"]}"#)
            #expect(registered.status == 200, "\(registered.body)")
        }
        await setup.sts.engine.advanceClock(by: 90)
    }

    static func fourEyesFlow(_ browser: WebDriver, _ world: RunWorld, _ setup: MFARunTests.Setup) async throws {
        let base = world.base
        #expect(try await world.call("PUT", "/organizations/acme/members/otto", json: #"{"role":"member"}"#).status == 200)
        try await logIn(browser, base, as: "olivia")
        _ = try await visit(browser, base, "/terraform/acme/environments/prod/settings")
        try await browser.click("input[name=approver_must_differ]")
        try await browser.type("2", into: "#required-approvals")
        try await browser.click("form[action='/terraform/acme/environments/prod/settings'] button[type=submit]")
        let saved = try await browser.waitFor("Settings saved.")
        #expect(saved.contains(#"name="approver_must_differ" value="on" checked="""#))
        #expect(saved.contains(#"value="2""#), "two approvals kept")
        try await browser.click("form[action='/logout'] button")
        #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"release\" {\n  input = \"1\"\n}\n"]).status == 201)

        try await logIn(browser, base, as: "mario")
        _ = try await visit(browser, base, "/terraform/acme/environments/prod")
        try await browser.click("form[action='/terraform/acme/environments/prod/runs'] button[type=submit]")
        var page = try await browser.waitFor("Confirm &amp; Apply</button>", seconds: 120)
        let runPage = try await browser.currentURL()
        #expect(page.contains("Approvals: 0 of 2"))
        try await browser.click("form[action$='/confirm'] button[type=submit]")
        page = try await browser.waitFor("Four eyes: mario queued this run")
        try await check(browser)
        try await browser.screenshot("13-four-eyes-refused")
        try await browser.click("form[action='/logout'] button")

        for (user, expected) in [("olivia", "Approvals: 1 of 2 (olivia)"), ("otto", "Apply complete!")] {
            try await logIn(browser, base, as: user)
            try await browser.open(runPage)
            _ = try await check(browser)
            try await browser.click("form[action$='/confirm'] button[type=submit]")
            page = try await browser.waitFor(expected, seconds: 120)
            try await check(browser)
            if user == "olivia" { try await browser.click("form[action='/logout'] button") }
        }
        #expect(page.contains("Approvals: 2 of 2 (olivia, otto)"))
        #expect(page.contains("Apply confirmed (approval 2 of 2)"))
        try await browser.screenshot("14-two-approvals-applied")
        try await browser.click("form[action='/logout'] button")

        // Two people, each with their own device: the queuer may approve now, the second approval comes from another
        // person's device, and the audit names both devices.
        try await MFARunTests.setVariables(world, setup)
        let settings = #"{"mfa":"applies_only","requirePersonalMfaDevice":true,"approverMustDifferFromQueuer":false}"#
        #expect(try await world.call("PATCH", "/organizations/acme/environments/prod", json: settings).status == 200)
        let devices = [("mario", "arn:aws:iam::123456789012:mfa/mario-phone"), ("olivia", "arn:aws:iam::123456789012:mfa/olivia-key")]
        try await registerDevices(devices, world, setup)
        #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"release\" {\n  input = \"2\"\n}\n"]).status == 201)
        let run = try await world.queue(as: "mario")
        try await world.expect(run, reaches: "planned")
        for (user, device) in devices {
            try await logIn(browser, base, as: user)
            _ = try await visit(browser, base, "/terraform/acme/environments/prod/runs/\(run)")
            try await browser.type(try #require(await setup.sts.engine.currentCode(forDevice: device)), into: "#token-code")
            try await browser.click("form[action$='/confirm'] button[type=submit]")
            page = try await browser.waitFor(user == "mario" ? "Approvals: 1 of 2 (mario)" : "Apply complete!", seconds: 120)
            try await check(browser)
            if user == "mario" { try await browser.click("form[action='/logout'] button") }
        }
        for (_, device) in devices { #expect(page.contains("<td><code>\(device)</code></td>"), "the audit names \(device)") }
        #expect(page.contains("Approvals: 2 of 2 (mario, olivia)"))
        try await browser.screenshot("15-two-people-two-devices")
    }

    /// The run page a reviewer trusts: what the plan does (counts, resources by action, destructive ones marked), its
    /// hash and who queued it beside the token field; times local and relative with the exact UTC on hover; one error
    /// message; the lock open once authenticated; Discard asks first; a secret's value typed into a password field.
    @Test(.enabled(if: hasChromium, "needs Debian's chromium and chromium-driver"))
    func aReviewerSeesWhatThePlanDoesAndApprovesExactlyThat() async throws {
        try await Self.withBrowser(failureScreenshot: "failure-review") { browser, world, setup in
            try await Self.reviewFlow(browser, world, setup)
        }
    }

    static func reviewFlow(_ browser: WebDriver, _ world: RunWorld, _ setup: MFARunTests.Setup) async throws {
        let base = world.base
        let first = try await MFARunTests.plannedUnderAppliesOnly(world, setup)
        let hash = try #require(try await world.run(first)["planSha256"] as? String)
        try await logIn(browser, base, as: "mario")
        var page = try await visit(browser, base, "/terraform/acme/environments/prod/runs/\(first)")
        #expect(page.contains(#"<strong id="plan-headline">Plan: 1 to add, 0 to change, 0 to destroy.</strong>"#))
        #expect(page.contains(#"<td>create</td><td><code dir="ltr">terraform_data.x</code></td>"#))
        #expect(page.contains(#"<code id="plan-sha256">\#(hash)</code> · queued by <strong>olivia</strong>"#))
        #expect(page.contains(#"<input type="hidden" name="plan_sha256" value="\#(hash)">"#), "the approval names the plan shown")
        // Times: the visitor's local time and how long ago, the exact UTC on hover.
        let title = try await browser.execute("return document.querySelector('table time').title") as? String ?? ""
        #expect(title.range(of: #"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$"#, options: .regularExpression) != nil, "\(title)")
        let shown = try await browser.execute("return document.querySelector('table time').textContent") as? String ?? ""
        #expect(shown.hasSuffix("ago)") || shown.hasSuffix("now)"), "\(shown)")
        // A time to come reads as one: until when the plan's AWS credentials held (an hour from its start).
        let until = try await browser.execute("return document.querySelector('#aws-credentials time').textContent") as? String ?? ""
        #expect(until.contains("in ") || until.contains("hour"), "\(until)")
        let lockPath = "return document.querySelector('.lock-icon path').getAttribute('d')"
        let closed = try await browser.execute(lockPath) as? String ?? ""

        // A wrong code: the refusal once, beside the red lock, not again at the top.
        try await browser.type(await MFARunTests.wrongCode(setup), into: "#token-code")
        try await browser.click("form[action$='/confirm'] button[type=submit]")
        page = try await browser.waitFor(#"data-mfa="failed""#)
        #expect(page.contains("MultiFactorAuthentication failed with invalid MFA one time pass code."))
        #expect(!page.contains(#"class="flash flash-error""#), "the lock says it; no second message at the top")
        try await browser.type(await MFARunTests.code(setup), into: "#token-code")
        try await browser.click("form[action$='/confirm'] button[type=submit]")
        page = try await browser.waitFor("Apply complete!", seconds: 120)
        #expect(page.contains(#"data-mfa="authenticated""#))
        let open = try await browser.execute(lockPath) as? String ?? ""
        #expect(!open.isEmpty && open != closed, "the lock opens once authenticated")
        #expect(page.contains("plan sha256 \(hash.prefix(12))"), "the history names the plan approved")

        // A plan that replaces one resource, destroys one and creates two: the destructive rows are marked.
        #expect(try await world.upload(["main.tf": """
            resource "terraform_data" "y" {
              triggers_replace = "2"
            }
            resource "terraform_data" "z" {
              input = "3"
            }
            """]).status == 201)
        let second = try await world.queue()
        try await world.expect(second, reaches: "planned")
        page = try await visit(browser, base, "/terraform/acme/environments/prod/runs/\(second)")
        #expect(page.contains(#"<strong id="plan-headline">Plan: 2 to add, 0 to change, 1 to destroy.</strong>"#), "\(page)")
        #expect(page.contains(#"<tr class="destructive"><td>destroy</td><td><code dir="ltr">terraform_data.x</code></td></tr>"#))
        try await browser.screenshot("16-plan-summary")

        // Discard asks first: Cancel keeps the run, OK discards it.
        try await browser.click("form[action$='/discard'] button[type=submit]")
        #expect(try await browser.dialogText().hasPrefix("Discard run #2?"))
        try await browser.answerDialog(accept: false)
        #expect(try await world.state(second) == "planned")
        try await browser.click("form[action$='/discard'] button[type=submit]")
        try await browser.answerDialog(accept: true)
        _ = try await browser.waitFor("Plan discarded.")
        #expect(try await world.state(second) == "discarded")

        // A variable's value is typed into a password field while "Sensitive" is ticked.
        try await browser.click("form[action='/logout'] button")
        try await logIn(browser, base, as: "olivia")
        _ = try await visit(browser, base, "/settings/organization_variables?organization=acme")
        let valueType = "return document.querySelector('#variable-value').type"
        #expect(try await browser.execute(valueType) as? String == "text")
        try await browser.click("input[name=sensitive]")
        #expect(try await browser.execute(valueType) as? String == "password")
    }
}
