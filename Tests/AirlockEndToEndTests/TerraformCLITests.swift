import AirlockTesting
import AsyncHTTPClient
import Foundation
import Testing

/// The stock `terraform` CLI against `airlock serve` over HTTPS, through a `cloud` block: init (the workspace is
/// the environment, created for an owner), then the state and outputs of runs Airlock made.
@Suite struct TerraformCLITests {
    @Test func initCreatesTheWorkspaceForAnOwnerAndRefusesOthersClearly() async throws {
        try await CloudWorld.with { world in
            let initialized = try await world.terraform(["init", "-input=false"])
            #expect(initialized.status == 0, "\(initialized.stdout)\(initialized.stderr)")
            #expect(initialized.stdout.contains("has been successfully initialized"))
            #expect(try await world.api("GET", "/organizations/acme/environments/production").status == 200, "the workspace is an environment")
            // Again: the workspace exists now.
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            // A member cannot create one, and another organization's owner does not see acme.
            let member = try await world.terraform(["init", "-input=false"], workspace: "staging", as: "mario")
            #expect(member.status != 0)
            #expect(member.stderr.contains("Only the organization's owners can do this."), "\(member.stderr)")
            let stranger = try await world.terraform(["init", "-input=false"], workspace: "staging", as: "otto")
            #expect(stranger.status != 0)
            #expect(stranger.stderr.contains("organization \"acme\" at host \(world.host) not found"), "\(stranger.stderr)")
            let wrongToken = try await world.terraform(["init", "-input=false"], workspace: "staging", token: "airlock_not-a-token")
            #expect(wrongToken.status != 0)
            #expect(wrongToken.stderr.lowercased().contains("unauthorized") || wrongToken.stderr.contains("token"), "\(wrongToken.stderr)")
            #expect(try await world.api("GET", "/organizations/acme/environments/staging").status == 404, "nothing was created")
        }
    }

    @Test func stateAndOutputsOfAirlocksRunsReachTerraform() async throws {
        try await CloudWorld.with { world in
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            let noState = try await world.terraform(["output"])
            #expect(!noState.stdout.contains("greeting"), "no state yet: \(noState.stdout)")
            // A run Airlock plans and applies writes the environment's state.
            let archive = try await TerraformConfiguration.archive(["main.tf": #"output "greeting" { value = "hello" }"# + "\n"
                + #"output "secret" {"# + "\n" + #"  value     = "s3cret""# + "\n  sensitive = true\n}\n"])
            let upload = try await LocalHTTP.send("POST", world.base + "/api/v1/organizations/acme/environments/production/configuration-versions",
                                                  headers: [("Authorization", "Bearer \(world.tokens["olivia"] ?? "")")], body: archive,
                                                  contentType: "application/gzip", using: world.client)
            #expect(upload.status == 201, "\(upload.body)")
            let queued = try await world.api("POST", "/organizations/acme/environments/production/runs", json: #"{"message":"seed"}"#)
            let run = try #require(try RunWorld.field("id", of: queued.body))
            var state = try await world.waitFor(run, ["planned", "planned_and_finished", "errored"])
            #expect(try await world.api("POST", "/runs/\(run)/actions/confirm", json: "{}").status == 200)
            state = try await world.waitFor(run, ["applied", "errored"])
            #expect(state == "applied")
            let output = try await world.terraform(["output", "-raw", "greeting"])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout == "hello")
            let pulled = try await world.terraform(["state", "pull"])
            #expect(pulled.stdout.contains(#""serial": 1"#), "\(pulled.stdout)")
            // A member reads them too.
            #expect(try await world.terraform(["init", "-input=false"], as: "mario").status == 0)
            #expect(try await world.terraform(["output", "-raw", "greeting"], as: "mario").stdout == "hello")
            // A sensitive output: redacted in the list, read by its id (TFE's way), for those who may read the state.
            let listed = try await world.terraform(["output"], as: "mario")
            #expect(listed.stdout.contains("secret = <sensitive>") && !listed.stdout.contains("s3cret"), "\(listed.stdout)")
            let secret = try await world.terraform(["output", "-raw", "secret"], as: "mario")
            #expect(secret.stdout == "s3cret", "\(secret.stdout)\(secret.stderr)")
        }
    }

    static let thing = #"resource "terraform_data" "thing" { input = "INPUT" }"# + "\n" + #"output "input" { value = terraform_data.thing.output }"#

    /// `terraform plan` is a speculative run: Terraform streams the plan Airlock made, the run ends planned and
    /// finished, and it can never be applied.
    @Test func planIsASpeculativeRunThatCannotBeApplied() async throws {
        try await CloudWorld.with { world in
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            let planned = try await world.terraform(["plan", "-input=false"], resources: Self.thing)
            #expect(planned.status == 0, "\(planned.stdout)\(planned.stderr)")
            #expect(planned.stdout.contains("Plan: 1 to add, 0 to change, 0 to destroy."), "\(planned.stdout)")
            let run = try #require(try await world.newestRun())
            #expect(run["state"] as? String == "planned_and_finished")
            let id = try #require(run["id"] as? String)
            // The link Terraform prints leads to the run's page.
            let link = try #require(planned.stdout.range(of: #"/app/acme/production/runs/run-[0-9a-f-]+"#, options: .regularExpression)
                .map { String(planned.stdout[$0]) })
            let browser = Browser(base: world.base, client: world.client)
            _ = try await browser.logIn("mario", password: ServerProcessFixture.password)
            #expect(try await browser.get(link).location == "/terraform/acme/environments/production/runs/\(id)")
            #expect(try await world.api("POST", "/runs/\(id)/actions/confirm", json: "{}").status == 409, "never appliable")
            let pulled = try await world.terraform(["state", "pull"])
            #expect(pulled.stdout.contains(#""serial": 0"#) && pulled.stdout.contains(#""resources": []"#), "nothing was applied: \(pulled.stdout)")
        }
    }

    /// `terraform apply -auto-approve`, then `terraform apply` answered "yes", then `terraform destroy`:
    /// Airlock's runs, applied.
    @Test func applyWithAutoApproveWithYesAndDestroy() async throws {
        try await CloudWorld.with { world in
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            let first = try await world.terraform(["apply", "-input=false", "-auto-approve"], resources: Self.thing.replacingOccurrences(of: "INPUT", with: "one"))
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            #expect(first.stdout.contains("Apply complete! Resources: 1 added, 0 changed, 0 destroyed."), "\(first.stdout)")
            #expect(try await world.newestRun()?["state"] as? String == "applied")
            let second = try await world.terraform(["apply"], resources: Self.thing.replacingOccurrences(of: "INPUT", with: "two"), stdin: "yes\n")
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            #expect(second.stdout.contains("Apply complete! Resources: 0 added, 1 changed, 0 destroyed."), "\(second.stdout)")
            let events = try await world.api("GET", "/runs/\(try #require(try await world.newestRun()?["id"] as? String))")
            #expect(events.body.contains(#""actor":"olivia""#) && events.body.contains("apply_queued"), "\(events.body)")
            #expect(try await world.terraform(["output", "-raw", "input"]).stdout == "two")
            // terraform destroy: a plan made with -destroy, applied.
            let destroyed = try await world.terraform(["destroy", "-input=false", "-auto-approve"], resources: Self.thing.replacingOccurrences(of: "INPUT", with: "two"))
            #expect(destroyed.status == 0, "\(destroyed.stdout)\(destroyed.stderr)")
            #expect(destroyed.stdout.contains("Apply complete! Resources: 0 added, 0 changed, 1 destroyed."), "\(destroyed.stdout)")
            #expect(try await world.terraform(["state", "pull"]).stdout.contains(#""resources": []"#))
        }
    }

    /// Where the apply needs an MFA code, Terraform's approval leaves the run planned; the streamed log says
    /// where to give the code, and `terraform apply` finishes by itself once someone authenticates.
    @Test func anApplyThatNeedsMFAWaitsForTheCodeGivenElsewhere() async throws {
        let sts = try await TestSTS.start(directory: TestSTSDirectory.reference())
        do {
            try await CloudWorld.with(serveArguments: ["--sts-endpoint", sts.endpoint.absoluteString]) { world in
                let user = try await Self.setAWSVariables(world)
                #expect(try await world.terraform(["init", "-input=false"]).status == 0)
                #expect(try await world.api("PATCH", "/organizations/acme/environments/production", json: #"{"mfa":"applies_only"}"#).status == 200)
                let apply = Task { try await world.terraform(["apply", "-input=false", "-auto-approve"], resources: Self.thing) }
                var waiting: [String: Any]?
                _ = try await world.eventually {
                    if let run = try await world.newestRun(), run["state"] as? String == "planned", let id = run["id"] as? String,
                       try await world.api("GET", "/runs/\(id)/logs/apply").body.contains("needs an AWS MFA token code") {
                        waiting = run
                    }
                    return waiting != nil
                }
                let id = try #require(waiting?["id"] as? String)
                let code = try #require(await sts.engine.currentCode(forUser: user.name))
                let confirmed = try await world.api("POST", "/runs/\(id)/actions/confirm", json: #"{"tokenCode":"\#(code)"}"#, as: "mario")
                #expect(confirmed.status == 200, "\(confirmed.body)")
                let result = try await apply.value
                #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
                #expect(result.stdout.contains("needs an AWS MFA token code for it. The run waits, planned: authenticate on https://"), "\(result.stdout)")
                #expect(result.stdout.contains("Authenticated with MFA by mario"), "\(result.stdout)")
                #expect(result.stdout.contains("Apply complete! Resources: 1 added"), "\(result.stdout)")
                // Discarding a waiting run ends `terraform apply` too.
                let again = Task { try await world.terraform(["apply", "-input=false", "-auto-approve"],
                                                             resources: Self.thing.replacingOccurrences(of: "INPUT", with: "again")) }
                var second: String?
                _ = try await world.eventually {
                    if let run = try await world.newestRun(), run["id"] as? String != id, run["state"] as? String == "planned",
                       let runID = run["id"] as? String, try await world.api("GET", "/runs/\(runID)/logs/apply").body.contains("needs an AWS MFA token code") {
                        second = runID
                    }
                    return second != nil
                }
                #expect(try await world.api("POST", "/runs/\(try #require(second))/actions/discard", json: "{}").status == 200)
                let discarded = try await again.value
                #expect(discarded.status != 0, "terraform apply fails: \(discarded.stdout)\(discarded.stderr)")
                #expect(try await world.api("GET", "/runs/\(try #require(second))").body.contains(#""state":"discarded""#))
            }
        } catch {
            try? await sts.stop()
            throw error
        }
        try await sts.stop()
    }

    /// `terraform state push`: an owner's state becomes the environment's newest version (the workspace locked
    /// around the push and free after it); a member's push is refused with Airlock's message and stores nothing.
    @Test func statePushStoresAnOwnersStateAndRefusesAMembers() async throws {
        try await CloudWorld.with { world in
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            #expect(try await world.terraform(["init", "-input=false"], as: "mario").status == 0)
            let file = world.folder.appendingPathComponent("pushed.tfstate")
            func write(serial: Int, value: String) throws {
                try #"{"version":4,"terraform_version":"1.15.5","serial":\#(serial),"lineage":"pushed-lineage","outputs":{"pushed":{"value":"\#(value)","type":"string"}},"resources":[],"check_results":null}"#
                    .write(to: file, atomically: true, encoding: .utf8)
            }
            try write(serial: 3, value: "by mario")
            let member = try await world.terraform(["state", "push", file.path], as: "mario")
            #expect(member.status != 0)
            #expect(member.stderr.contains("Only an owner of acme locks an environment's state"), "\(member.stdout)\(member.stderr)")
            try write(serial: 3, value: "yes")
            let pushed = try await world.terraform(["state", "push", file.path])
            #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
            #expect(try await world.terraform(["output", "-raw", "pushed"], as: "mario").stdout == "yes")
            // Pulled, edited and pushed again (Terraform gave the first push into an empty workspace a lineage of its
            // own): the workspace was unlocked after the first push.
            var pulled = try #require(try JSONSerialization.jsonObject(with: Data(try await world.terraform(["state", "pull"]).stdout.utf8)) as? [String: Any])
            let serial = try #require(pulled["serial"] as? Int)
            pulled["serial"] = serial + 1
            pulled["outputs"] = ["pushed": ["value": "again", "type": "string"]]
            try JSONSerialization.data(withJSONObject: pulled).write(to: file)
            let again = try await world.terraform(["state", "push", file.path])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(try await world.terraform(["output", "-raw", "pushed"]).stdout == "again")
            let stored = try JSONSerialization.jsonObject(with: Data(try await world.terraform(["state", "pull"]).stdout.utf8)) as? [String: Any]
            #expect((stored?["serial"] as? Int ?? 0) > serial, "a new version")
            // A lock left by someone's Terraform (here through the state backend): pushes wait; an owner's
            // `terraform force-unlock` frees it.
            let basic = "Basic " + Data("olivia:\(world.tokens["olivia"] ?? "")".utf8).base64EncodedString()
            let locked = try await LocalHTTP.send("LOCK", world.base + "/state/acme/production/lock", headers: [("Authorization", basic)],
                                                  json: #"{"ID":"left-behind","Who":"someone@laptop"}"#, using: world.client)
            #expect(locked.status == 200, "\(locked.body)")
            let blocked = try await world.terraform(["state", "push", file.path])
            #expect(blocked.status != 0)
            #expect(blocked.stderr.contains("already locked"), "\(blocked.stderr)")
            let unlocked = try await world.terraform(["force-unlock", "-force", "acme/production"])
            #expect(unlocked.status == 0, "\(unlocked.stdout)\(unlocked.stderr)")
            #expect(try await world.terraform(["force-unlock", "-force", "acme/production"], as: "mario").status != 0, "owners only")
        }
    }

    /// Under "plans and applies" Terraform's run waits for a code before its plan too: the plan's log (which
    /// Terraform streams) says where to give it; given on the run's page, the plan starts; the apply's code given
    /// with `airlock run apply`; `terraform apply` finishes by itself.
    @Test func aPlanThatNeedsMFAWaitsForTheCodeOnTheRunPage() async throws {
        let sts = try await TestSTS.start(directory: TestSTSDirectory.reference())
        do {
            try await CloudWorld.with(serveArguments: ["--sts-endpoint", sts.endpoint.absoluteString]) { world in
                let user = try await Self.setAWSVariables(world)
                #expect(try await world.terraform(["init", "-input=false"]).status == 0)
                #expect(try await world.api("PATCH", "/organizations/acme/environments/production", json: #"{"mfa":"plans_and_applies"}"#).status == 200)
                let apply = Task { try await world.terraform(["apply", "-input=false", "-auto-approve"], resources: Self.thing) }
                var waiting: String?
                _ = try await world.eventually {
                    if let run = try await world.newestRun(), run["waitingForPlanCode"] as? Bool == true, let id = run["id"] as? String,
                       try await world.api("GET", "/runs/\(id)/logs/plan").body.contains("needs an AWS MFA token code for the plan") {
                        waiting = id
                    }
                    return waiting != nil
                }
                let id = try #require(waiting)
                let browser = Browser(base: world.base, client: world.client)
                _ = try await browser.logIn("mario", password: ServerProcessFixture.password)
                let runPath = "/terraform/acme/environments/production/runs/\(id)"
                #expect(try await browser.get(runPath).body.contains("Start the plan with AWS MFA"))
                let code = try #require(await sts.engine.currentCode(forUser: user.name))
                #expect(try await browser.submit(runPath + "/authenticate-plan", [("token_code", code)]).location == runPath)
                _ = try await world.eventually(watching: id) {
                    try await world.api("GET", "/runs/\(id)/logs/apply").body.contains("needs an AWS MFA token code for it")
                }
                await sts.engine.advanceClock(by: 30)  // a code not used yet
                let applyCode = try #require(await sts.engine.currentCode(forUser: user.name))
                let confirmed = try await world.airlock(["run", "apply", "--env", "acme/production", "--run", id, "--mfa-code", applyCode], as: "olivia")
                #expect(confirmed.status == 0, "\(confirmed.stdout)\(confirmed.stderr)")
                let result = try await apply.value
                #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
                #expect(result.stdout.contains("needs an AWS MFA token code for the plan. The run waits, queued: authenticate on https://"), "\(result.stdout)")
                #expect(result.stdout.contains("Authenticated with MFA by mario"), "\(result.stdout)")
                #expect(result.stdout.contains("Authenticated with MFA by olivia"), "\(result.stdout)")
                #expect(result.stdout.contains("Apply complete! Resources: 1 added"), "\(result.stdout)")
                // `terraform plan` waits the same way; `airlock run plan --run` gives it the code and follows the plan.
                let plan = Task { try await world.terraform(["plan", "-input=false"], resources: Self.thing.replacingOccurrences(of: "INPUT", with: "next")) }
                var speculative: String?
                _ = try await world.eventually {
                    if let run = try await world.newestRun(), run["id"] as? String != id, run["waitingForPlanCode"] as? Bool == true {
                        speculative = run["id"] as? String
                    }
                    return speculative != nil
                }
                let planID = try #require(speculative)
                await sts.engine.advanceClock(by: 30)
                let planCode = try #require(await sts.engine.currentCode(forUser: user.name))
                let authenticated = try await world.airlock(["run", "plan", "--env", "acme/production", "--run", planID, "--mfa-code", planCode], as: "mario")
                #expect(authenticated.status == 0, "\(authenticated.stdout)\(authenticated.stderr)")
                #expect(authenticated.stdout.contains("Authenticated the plan of run #2"), "\(authenticated.stdout)")
                let planResult = try await plan.value
                #expect(planResult.status == 0, "\(planResult.stdout)\(planResult.stderr)")
                #expect(planResult.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "\(planResult.stdout)")
                let refused = try await world.airlock(["run", "plan", "--env", "acme/production", "--run", id, "--mfa-code", "123456"])
                #expect(refused.status != 0)
                #expect(refused.stderr.contains("does not wait for an MFA token code for its plan (it is applied)"), "\(refused.stderr)")
            }
        } catch {
            try? await sts.stop()
            throw error
        }
        try await sts.stop()
    }

    /// acme's AWS variables: the test STS's MFA user's keys and device, set through the API.
    static func setAWSVariables(_ world: CloudWorld) async throws -> TestSTSDirectory.User {
        let user = TestSTSDirectory.reference().users[0]
        for (key, value, sensitive) in [("AWS_ACCESS_KEY_ID", user.accessKeyID, false), ("AWS_SECRET_ACCESS_KEY", user.secretAccessKey, true),
                                        ("AWS_MFA_SERIAL_NUMBER", user.mfaSerial ?? "", false)] {
            #expect(try await world.api("PUT", "/organizations/acme/variables/\(key)", json: #"{"value":"\#(value)","sensitive":\#(sensitive)}"#).status == 200)
        }
        return user
    }

    /// Terraform 1.0.3 with `backend "remote"`: the same plan and apply.
    @Test func terraform1_0WithTheRemoteBackendPlansAndApplies() async throws {
        try await CloudWorld.with { world in
            let resources = Self.thing.replacingOccurrences(of: "INPUT", with: "legacy")
            let initialized = try await world.terraform(["init", "-input=false"], version: .v1_0)
            #expect(initialized.status == 0, "\(initialized.stdout)\(initialized.stderr)")
            let planned = try await world.terraform(["plan", "-input=false"], resources: resources, version: .v1_0)
            #expect(planned.stdout.contains("Plan: 1 to add, 0 to change, 0 to destroy."), "\(planned.stdout)\(planned.stderr)")
            #expect(try await world.newestRun()?["state"] as? String == "planned_and_finished")
            let applied = try await world.terraform(["apply", "-input=false", "-auto-approve"], resources: resources, version: .v1_0)
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
            #expect(applied.stdout.contains("Apply complete! Resources: 1 added, 0 changed, 0 destroyed."), "\(applied.stdout)")
            let output = try await world.terraform(["output", "-raw", "input"], resources: resources, version: .v1_0)
            #expect(output.stdout == "legacy", "\(output.stdout)\(output.stderr)")
        }
    }

    /// Ctrl-C while `terraform apply` waits for its run (queued behind a planned one): its run is canceled.
    @Test func ctrlCWhileTheRunWaitsCancelsIt() async throws {
        try await CloudWorld.with { world in
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            // A plan waiting for Confirm & Apply holds the environment's queue.
            let archive = try await TerraformConfiguration.archive(["main.tf": Self.thing])
            let upload = try await LocalHTTP.send("POST", world.base + "/api/v1/organizations/acme/environments/production/configuration-versions",
                                                  headers: [("Authorization", "Bearer \(world.tokens["olivia"] ?? "")")], body: archive,
                                                  contentType: "application/gzip", using: world.client)
            #expect(upload.status == 201)
            let holding = try #require(try RunWorld.field("id", of: try await world.api("POST", "/organizations/acme/environments/production/runs",
                                                                                         json: #"{"message":"holds the queue"}"#).body))
            _ = try await world.eventually { try await world.newestRun()?["state"] as? String == "planned" }
            // Terraform's own race: an interrupt that lands while it reads its run (every one to three seconds) ends it
            // without cancelling (waitForRun's read shadows the run it would cancel), against TFE too. That try is
            // cleaned up and made again; an interrupt between reads must cancel, each time.
            for attempt in 1...3 {
                let terraform = try await world.startTerraform(["apply", "-input=false", "-auto-approve"], resources: Self.thing)
                _ = try await terraform.waitFor("Waiting for", seconds: 120)
                var waiting: String?
                _ = try await world.eventually {
                    if let run = try await world.newestRun(), let id = run["id"] as? String, id != holding, run["state"] as? String == "pending" {
                        waiting = id
                    }
                    return waiting != nil
                }
                let id = try #require(waiting)
                _ = await terraform.stop(signal: SIGINT)
                let interrupted = terraform.printed
                if attempt < 3, !interrupted.contains("The remote operation was"), interrupted.hasSuffix("Gracefully shutting down...\n\n") {
                    #expect(try await world.api("POST", "/runs/\(id)/actions/cancel", json: "{}").status == 200)
                    continue
                }
                #expect(interrupted.contains("The remote operation was successfully cancelled."), "\(interrupted)")
                #expect(try await world.api("GET", "/runs/\(id)").body.contains(#""state":"canceled""#), "\(interrupted)")
                break
            }
            #expect(try await world.api("GET", "/runs/\(holding)").body.contains(#""state":"planned""#), "the other run is untouched")
        }
    }

    /// Starts `terraform login HOST` in `home` (answering its question "yes") and waits for the URL it opens in a
    /// browser; returns the running login, that URL, and the file the stand-in browser wrote it to.
    static func startLogin(_ world: CloudWorld, home: URL) async throws -> (Task<CommandRunner.Result, any Error>, String, URL) {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let browserLog = home.appendingPathComponent("opened-url")
        let (executable, arguments, environment) = try await world.loginCommand(["login", world.host], home: home, browserLog: browserLog)
        let login = Task { try await CommandRunner.run(executable, arguments, environment: environment, stdin: "yes\n") }
        var opened = ""
        for _ in 0..<600 where opened.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            opened = (try? String(contentsOf: browserLog, encoding: .utf8)) ?? ""
        }
        return (login, opened, browserLog)
    }

    /// `terraform login` in headless Chromium, end to end: the approval page's own Content-Security-Policy once
    /// stopped a real browser's redirect to Terraform's listener (`form-action 'self'`), so Terraform never got its
    /// code; a client that ignores CSP could not tell.
    @Test(.enabled(if: WebUITests.hasChromium, "needs Debian's chromium and chromium-driver"))
    func terraformLoginWorksInARealBrowser() async throws {
        try await CloudWorld.with { world in
            let home = world.folder.appendingPathComponent("browser-login-home")
            let (login, opened, _) = try await Self.startLogin(world, home: home)
            let browser = try await WebDriver.start(acceptInsecureCertificates: true)
            do {
                // The login page on the host Terraform named (its cookie is that host's).
                let origin = try #require(opened.range(of: "/app/oauth2/authorize").map { String(opened[..<$0.lowerBound]) }, "\(opened)")
                try await browser.open(origin + "/login")
                try await browser.type("olivia", into: "#username")
                try await browser.type(ServerProcessFixture.password, into: "#password")
                try await browser.click("form[action='/login'] button[type=submit]")
                _ = try await browser.waitFor("<h1>Organizations</h1>")
                try await browser.open(opened)
                let page = try await browser.waitFor("asks for an API token for <strong>olivia</strong>")
                #expect(page.contains("on port <strong>"), "the page names the listener's port")
                try await browser.click("button[value=approve]")
                // Terraform's listener takes the code from the browser, exchanges it and saves the token.
                let credentials = home.appendingPathComponent(".terraform.d/credentials.tfrc.json")
                for _ in 0..<1200 where !FileManager.default.fileExists(atPath: credentials.path) { try await Task.sleep(for: .milliseconds(100)) }
                let reached = try await browser.currentURL()
                if !FileManager.default.fileExists(atPath: credentials.path) {
                    // The browser never got there, and Terraform waits for ever: end it, so the test ends.
                    try? await browser.screenshot("failure-terraform-login")
                    _ = try? await CommandRunner.run("/usr/bin/pkill", ["-KILL", "-f", home.path], environment: [:])
                }
                let result = try await login.value
                #expect(result.status == 0, "the browser stayed at \(reached): \(result.stdout)\(result.stderr)")
                #expect(reached.hasPrefix("http://localhost:"), "the browser reached Terraform's listener")
            } catch {
                try? await browser.screenshot("failure-terraform-login")
                await browser.quit()
                throw error
            }
            await browser.quit()
            let saved = try String(contentsOf: home.appendingPathComponent(".terraform.d/credentials.tfrc.json"), encoding: .utf8)
            #expect(saved.contains("airlock_"), "\(saved)")
        }
    }

    /// `terraform login HOST`: the browser page asks the logged-in user to approve, Terraform receives an API
    /// token and uses it.
    @Test func terraformLoginGetsATokenTheUserApproved() async throws {
        try await CloudWorld.with { world in
            let home = world.folder.appendingPathComponent("login-home")
            let (login, opened, browserLog) = try await Self.startLogin(world, home: home)
            let authorize = try #require(opened.range(of: "/app/oauth2/authorize").map { String(opened[$0.lowerBound...]) }, "\(opened)")
            let browser = Browser(base: world.base, client: world.client)
            #expect(try await browser.logIn("olivia", password: ServerProcessFixture.password).status == 303)
            let page = try await browser.get(authorize)
            #expect(page.status == 200, "\(page.body)")
            #expect(page.body.contains("asks for an API token for <strong>olivia</strong>"))
            let fields = ["client_id", "response_type", "redirect_uri", "state", "code_challenge", "code_challenge_method"].compactMap { name -> (String, String)? in
                guard let range = page.body.range(of: #"name="\#(name)" value=""#) else { return nil }
                let rest = page.body[range.upperBound...]
                return rest.firstIndex(of: "\"").map { (name, String(rest[..<$0]).replacingOccurrences(of: "&amp;", with: "&")) }
            }
            #expect(fields.count == 6, "\(page.body)")
            let approved = try await browser.submit("/app/oauth2/authorize", fields + [("decision", "approve")])
            let redirect = try #require(approved.location, "\(approved.status) \(approved.body)")
            #expect(redirect.hasPrefix("http://localhost:") && redirect.contains("code=alc_"), "\(redirect)")
            _ = try? await LocalHTTP.get(redirect)  // what the browser does next: Terraform's listener takes the code
            let result = try await login.value
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let saved = try String(contentsOf: home.appendingPathComponent(".terraform.d/credentials.tfrc.json"), encoding: .utf8)
            #expect(saved.contains("airlock_"), "\(saved)")
            // The token works for Terraform, with nothing else configured.
            let (initExecutable, initArguments, initEnvironment) = try await world.loginCommand(["init", "-input=false"], home: home, browserLog: browserLog)
            let initialized = try await CommandRunner.run(initExecutable, initArguments, environment: initEnvironment)
            #expect(initialized.status == 0, "\(initialized.stdout)\(initialized.stderr)")
            // A code works once.
            let code = try #require(URLComponents(string: redirect)?.queryItems?.first { $0.name == "code" }?.value)
            let replay = try await LocalHTTP.send("POST", world.base + "/oauth2/token", body: Data("grant_type=authorization_code&code=\(code)&code_verifier=x&redirect_uri=y&client_id=terraform-cli".utf8),
                                                  contentType: "application/x-www-form-urlencoded", using: world.client)
            #expect(replay.status == 400 && replay.body.contains("invalid_grant"), "\(replay.body)")
        }
    }
}
