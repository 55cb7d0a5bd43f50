import AirlockTesting
import Foundation
import Testing

/// Runs through the real Terraform (both versions): every state, the environment lock, failures, and
/// crash recovery.
@Suite(.serialized) struct RunLifecycleTests {
    static let secret = "s3cr3t-run-value-4711"

    static func resources(greeting: String = "hello", sleep: Int = 0) -> [String: String] {
        ["main.tf": """
            variable "greeting" {
              type    = string
              default = "\(greeting)"
            }
            resource "terraform_data" "thing" {
              input = var.greeting
              provisioner "local-exec" {
                command = "echo token=$RUN_SECRET; sleep \(sleep)"
              }
            }
            output "greeting" { value = var.greeting }
            """]
    }

    static let outputsOnly = ["main.tf": """
        variable "greeting" {
          type    = string
          default = "hello"
        }
        locals { shout = upper(var.greeting) }
        output "shout" { value = local.shout }
        """]

    @Test(arguments: TerraformVersion.allCases)
    func planConfirmApplyThenNoChanges(_ version: TerraformVersion) async throws {
        try await RunWorld.with(version) { world in
            #expect(try await world.call("PUT", "/organizations/acme/variables/RUN_SECRET", json: #"{"value":"\#(Self.secret)","sensitive":true}"#).status == 200)
            let archive = try await TerraformConfiguration.archive(version.hasTerraformData ? Self.resources() : Self.outputsOnly)
            let uploaded = try await world.upload(archive, as: "mario")
            #expect(uploaded.status == 201, "\(uploaded.body)")
            let again = try await world.upload(archive, as: "olivia")
            #expect(try RunWorld.field("id", of: again.body) == RunWorld.field("id", of: uploaded.body), "stored by content hash")

            let run = try await world.queue(message: "first change", as: "mario")
            try await world.expect(run, reaches: "planned")
            let plan = try await world.log(run, "plan")
            #expect(plan.contains(version.hasTerraformData ? "terraform_data.thing will be created" : "shout"))
            #expect(try await world.action(run, "confirm", as: "mario").status == 200)
            try await world.expect(run, reaches: "applied")
            let apply = try await world.log(run, "apply")
            #expect(apply.contains("Apply complete!"))
            // Each phase ends with where its time went.
            let planTimings = plan.components(separatedBy: "\n").first { $0.hasPrefix("[airlock] Timings: queue wait ") } ?? ""
            for step in ["sandbox start", "init", "plan", "plan saved (read, hashed, sealed)"] {
                #expect(planTimings.contains(" \(step) "), "\(step) in: \(plan)")
            }
            #expect(!planTimings.contains(" show "), "without policies the summary comes from the plan file, not terraform show: \(plan)")
            let summary = try #require(try await world.run(run)["planSummary"] as? [String: Any])
            #expect(summary["add"] as? Int == (version.hasTerraformData ? 1 : 0), "\(summary)")
            let listed = (summary["resources"] as? [[String: Any]])?.map { "\($0["action"] ?? "") \($0["address"] ?? "")" }
            #expect(listed == (version.hasTerraformData ? ["create terraform_data.thing"] : []), "\(summary)")
            let applyTimings = apply.components(separatedBy: "\n").first { $0.hasPrefix("[airlock] Timings: queue wait ") } ?? ""
            #expect(applyTimings.contains(" apply ") && applyTimings.contains(" state saved ("), "\(apply)")
            #expect(try await world.transitions(run) == ["pending", "planning", "planned", "apply_queued", "applying", "applied"])
            if version.hasTerraformData {
                #expect(apply.contains("token=***"), "the sensitive value is masked")
            }
            for text in [plan, apply, try await world.call("GET", "/runs/\(run)").body] { #expect(!text.contains(Self.secret)) }

            // The state is on the server, readable by members through the backend.
            let state = try await LocalHTTP.get(world.base + "/state/acme/prod", headers: [("Authorization", "Basic " + Data("x:\(world.tokens["mario"]!)".utf8).base64EncodedString())])
            #expect(state.status == 200)
            let stored = try JSONSerialization.jsonObject(with: Data(state.body.utf8)) as? [String: Any]
            #expect(stored?["serial"] is Int, "\(state.body)")
            #expect(stored?["terraform_version"] as? String == version.rawValue)
            let outsider = try await LocalHTTP.get(world.base + "/state/acme/prod", headers: [("Authorization", "Basic " + Data("x:\(world.tokens["otto"]!)".utf8).base64EncodedString())])
            #expect(outsider.status == 404)
            let memberWrite = try await LocalHTTP.send("POST", world.base + "/state/acme/prod",
                                                       headers: [("Authorization", "Basic " + Data("x:\(world.tokens["mario"]!)".utf8).base64EncodedString())],
                                                       body: Data(state.body.utf8), contentType: "application/json")
            #expect(memberWrite.status == 403)

            // The same configuration again: nothing to do.
            let second = try await world.queue()
            try await world.expect(second, reaches: "planned_and_finished", or: ["planned", "errored"])
            #expect(try await world.action(second, "confirm").status == 409)
            // Working folders are removed after each phase.
            let work = world.fixture.data.appendingPathComponent("work")
            #expect((try? FileManager.default.contentsOfDirectory(atPath: work.path))?.isEmpty ?? true)
        }
    }

    @Test func environmentVariablesOverrideTheOrganizations() async throws {
        try await RunWorld.with { world in
            #expect(try await world.call("PUT", "/organizations/acme/variables/TF_VAR_greeting", json: #"{"value":"from-the-organization"}"#).status == 200)
            #expect(try await world.call("PUT", "/organizations/acme/variables/RUN_SECRET", json: #"{"value":"org-level-secret","sensitive":true}"#).status == 200)
            let set = try await world.call("PUT", "/organizations/acme/environments/prod/variables/TF_VAR_greeting", json: #"{"value":"from-the-environment"}"#)
            #expect(set.status == 200, "\(set.body)")
            #expect(try await world.call("PUT", "/organizations/acme/environments/prod/variables/RUN_SECRET",
                                         json: #"{"value":"\#(Self.secret)","sensitive":true}"#).status == 200)
            #expect(try await world.call("PUT", "/organizations/acme/environments/prod/variables/AWS_SECRET_ACCESS_KEY", json: #"{"value":"x"}"#).status == 400)
            #expect(try await world.call("PUT", "/organizations/acme/environments/prod/variables/X", as: "mario", json: #"{"value":"x"}"#).status == 403)
            #expect(try await world.call("GET", "/organizations/acme/environments/prod/variables", as: "otto").status == 404)
            let listed = try await world.call("GET", "/organizations/acme/environments/prod/variables", as: "mario")
            #expect(listed.body == #"[{"key":"RUN_SECRET","sensitive":true},{"key":"TF_VAR_greeting","sensitive":false,"value":"from-the-environment"}]"#)
            #expect(try await world.upload(Self.resources()).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned")
            #expect(try await world.log(run, "plan").contains(#"input  = "from-the-environment""#))
            #expect(try await world.action(run, "confirm").status == 200)
            try await world.expect(run, reaches: "applied")
            let apply = try await world.log(run, "apply")
            #expect(apply.contains("token=***") && !apply.contains(Self.secret) && !apply.contains("org-level-secret"))
            let settings = Browser(base: world.base)
            _ = try await settings.logIn("mario", password: ServerProcessFixture.password)
            let page = try await settings.get("/terraform/acme/environments/prod/settings")
            #expect(page.body.contains("from-the-environment") && page.body.contains("Sensitive: write-only") && !page.body.contains(Self.secret))
        }
    }

    @Test func theEnvironmentLockQueuesRunsInOrderAndDiscardFreesIt() async throws {
        try await RunWorld.with { world in
            #expect(try await world.upload(Self.resources()).status == 201)
            #expect(try await world.call("POST", "/organizations/acme/environments", json: #"{"name":"staging"}"#).status == 201)
            #expect(try await world.upload(Self.resources(), to: "staging").status == 201)
            let first = try await world.queue(message: "first")
            let second = try await world.queue(message: "second")
            let elsewhere = try await world.queue("staging", message: "other environment")
            try await world.expect(first, reaches: "planned", or: [])
            // Another environment is not held up by prod's lock.
            try await world.expect(elsewhere, reaches: "planned", or: [])
            // prod's second run waits while the first holds the lock (planned, awaiting a decision).
            #expect(try await world.state(second) == "pending")
            #expect(try await world.action(first, "discard", as: "mario").status == 200)
            #expect(try await world.state(first) == "discarded")
            try await world.expect(second, reaches: "planned", or: [])
            #expect(try await world.action(first, "confirm").status == 409)
            let refused = try await world.action(first, "discard")
            #expect(refused.body.contains("A run that is discarded cannot be discarded."))
            // Nobody outside the organization sees the runs.
            #expect(try await world.call("GET", "/runs/\(second)", as: "otto").status == 404)
            #expect(try await world.action(second, "discard", as: "otto").status == 404)
            #expect(try await world.call("GET", "/organizations/acme/environments/prod/runs", as: "otto").status == 404)
            let listed = try await world.call("GET", "/organizations/acme/environments/prod/runs", as: "mario")
            #expect(listed.body.contains(second) && listed.body.contains(first))
        }
    }

    @Test func configurationErrorsErrorTheRunAndFreeTheLock() async throws {
        try await RunWorld.with { world in
            #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"broken\" {\n  input = var.missing\n}\n"]).status == 201)
            let broken = try await world.queue()
            try await world.expect(broken, reaches: "errored", or: ["planned"])
            let run = try await world.run(broken)
            #expect((run["errorMessage"] as? String)?.contains("terraform plan failed") == true)
            #expect(try await world.log(broken, "plan").contains("var.missing"))
            // The lock is free: the fixed configuration plans.
            #expect(try await world.upload(Self.resources()).status == 201)
            let fixed = try await world.queue()
            try await world.expect(fixed, reaches: "planned", or: ["errored"])
        }
    }

    @Test func cancelInterruptsTerraformAndCancelsWaitingRuns() async throws {
        try await RunWorld.with { world in
            #expect(try await world.upload(Self.resources(sleep: 30)).status == 201)
            let slow = try await world.queue()
            let waiting = try await world.queue()
            try await world.expect(slow, reaches: "planned", or: [])
            #expect(try await world.action(waiting, "cancel").status == 200)
            #expect(try await world.state(waiting) == "canceled")
            #expect(try await world.action(slow, "confirm").status == 200)
            try await world.expect(slow, reaches: "applying", or: [])
            // Wait until the provisioner sleeps, then cancel.
            try await world.waitForLog(slow, "apply", containing: "token=")
            #expect(try await world.action(slow, "cancel", as: "mario").status == 200)
            try await world.expect(slow, reaches: "canceled", or: ["errored", "applied"])
            let events = try await world.run(slow)["events"] as? [[String: Any]] ?? []
            #expect(events.contains { ($0["note"] as? String) == "Cancel requested" && ($0["actor"] as? String) == "mario" })
            // The environment is free again.
            #expect(try await world.upload(Self.outputsOnlyWithData).status == 201)
            let next = try await world.queue()
            #expect(try await world.waitFor(next, ["planned", "planned_and_finished", "errored"]) != "errored")
        }
    }

    /// SIGTERM during an apply: the server interrupts Terraform as a cancel does (Terraform stops its work,
    /// saves the state it reached and releases the lock), records why, keeps serving the state backend until
    /// Terraform has ended, and exits cleanly; the environment is free for the next server's runs.
    @Test func sigtermInterruptsTheApplyRecordsWhyAndLeavesTheEnvironmentFree() async throws {
        try await RunWorld.with { world in
            #expect(try await world.upload(Self.resources(sleep: 60)).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned", or: [])
            #expect(try await world.action(run, "confirm").status == 200)
            try await world.expect(run, reaches: "applying", or: [])
            try await world.waitForLog(run, "apply", containing: "token=")
            #expect(await world.server.stop() == 0, "\(world.server.printed)")
            (world.server, world.base) = try await world.startAnotherServer()
            #expect(try await world.state(run) == "errored")
            let message = try await world.run(run)["errorMessage"] as? String ?? ""
            #expect(message.hasPrefix("The server stopped during the apply: Terraform was interrupted"), "\(message)")
            let log = try await world.log(run, "apply")
            #expect(log.contains("Interrupt received") || log.contains("interrupted"), "Terraform itself saw the interrupt: \(log)")
            #expect(try await world.upload(Self.outputsOnlyWithData).status == 201)
            let next = try await world.queue()
            try await world.expect(next, reaches: "planned", or: ["planned_and_finished"])
        }
    }

    @Test func aPhasePastItsTimeoutIsStoppedAndErrored() async throws {
        try await RunWorld.with(serveArguments: RunWorld.fast + ["--run-timeout", "4s"]) { world in
            #expect(try await world.upload(Self.resources(sleep: 60)).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned")
            #expect(try await world.action(run, "confirm").status == 200)
            try await world.expect(run, reaches: "errored")
            let message = try await world.run(run)["errorMessage"] as? String ?? ""
            #expect(message == "The apply took longer than 4 seconds and was stopped.")
        }
    }

    static let outputsOnlyWithData = ["main.tf": "output \"done\" { value = \"yes\" }\n"]

    @Test func aPlanMadeOnAnOlderStateIsNotApplied() async throws {
        try await RunWorld.with { world in
            #expect(try await world.upload(Self.resources()).status == 201)
            let first = try await world.queue()
            try await world.expect(first, reaches: "planned", or: [])
            #expect(try await world.action(first, "confirm").status == 200)
            try await world.expect(first, reaches: "applied", or: [])
            #expect(try await world.upload(Self.resources(greeting: "changed")).status == 201)
            let stale = try await world.queue()
            try await world.expect(stale, reaches: "planned", or: [])
            // An owner pushes a newer state meanwhile (terraform state push through the backend).
            let owner = [("Authorization", "Basic " + Data("x:\(world.tokens["olivia"]!)".utf8).base64EncodedString())]
            let current = try await LocalHTTP.get(world.base + "/state/acme/prod", headers: owner)
            var state = try #require(try JSONSerialization.jsonObject(with: Data(current.body.utf8)) as? [String: Any])
            state["serial"] = (state["serial"] as? Int ?? 1) + 1
            let pushed = try await LocalHTTP.send("POST", world.base + "/state/acme/prod", headers: owner,
                                                  body: try JSONSerialization.data(withJSONObject: state), contentType: "application/json")
            #expect(pushed.status == 200)
            #expect(try await world.action(stale, "confirm").status == 200)
            try await world.expect(stale, reaches: "errored", or: ["applied"])
            let message = try await world.run(stale)["errorMessage"] as? String ?? ""
            #expect(message.contains("state changed since this plan"), "\(message)")
        }
    }

    @Test func aServerKilledMidApplyLosesNothingAndTheQueueContinues() async throws {
        try await RunWorld.with { world in
            #expect(try await world.upload(Self.resources(sleep: 30)).status == 201)
            let first = try await world.queue()
            try await world.expect(first, reaches: "planned", or: [])
            let next = try await world.queue()
            #expect(try await world.action(first, "confirm").status == 200)
            try await world.expect(first, reaches: "applying", or: [])
            try await world.waitForLog(first, "apply", containing: "token=")
            let before = try await world.log(first, "apply")
            _ = await world.server.stop(signal: SIGKILL)
            let (server, base) = try await world.startAnotherServer()
            world.server = server
            world.base = base
            try await world.expect(first, reaches: "errored", or: [])
            let message = try await world.run(first)["errorMessage"] as? String ?? ""
            #expect(message.contains("stopped before it finished"))
            let after = try await world.log(first, "apply")
            #expect(after.hasPrefix(before), "the stored log is kept")
            #expect(after.contains("[airlock] The server running this apply stopped"))
            #expect(try await world.transitions(first).suffix(2) == ["applying", "errored"])
            // The lock is freed and the queue continues.
            try await world.expect(next, reaches: "planned", or: ["errored"])
        }
    }
}
