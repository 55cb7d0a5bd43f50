import AirlockTesting
import Foundation
import Testing

/// Policy checks between plan and apply, end to end: `airlock serve --policy-engine` with the Regorus shim (and OPA's
/// `opa` where installed), the stock Terraform 1.15.5 through the TFE API, the test STS for the override's code.
@Suite(.serialized) struct PolicyCheckTests {
    static let noDestroy = """
        package airlock.no_destroy

        # Nothing may be destroyed here.
        deny contains msg if {
          some change in input.plan.resource_changes
          "delete" in change.change.actions
          msg := sprintf("%s would be destroyed (queued by %s)", [change.address, input.run.queued_by])
        }
        """

    static let twoApprovalsForChanges = """
        package airlock.approvals

        approvals_required := 2 if {
          some change in input.plan.resource_changes
          change.change.actions != ["no-op"]
        }
        """

    static let thing = TerraformCLITests.thing

    /// `body` with the test STS and a server that uses it and the Regorus shim; the STS stops whatever happens.
    static func withSTSAndEngine(_ body: (CloudWorld, TestSTS) async throws -> Void) async throws {
        let sts = try await TestSTS.start(directory: TestSTSDirectory.reference())
        do {
            try await CloudWorld.with(serveArguments: ["--sts-endpoint", sts.endpoint.absoluteString, "--policy-engine", PolicyEngineProgram.regorusShim]) {
                try await body($0, sts)
            }
        } catch {
            try? await sts.stop()
            throw error
        }
        try await sts.stop()
    }

    /// Creates a policy set on acme through the API.
    static func createSet(_ world: CloudWorld, name: String, enforcement: String, policies: [(String, String)], environments: [String]? = nil)
        async throws -> LocalHTTP.Response {
        let body: [String: Any] = ["name": name, "enforcement": enforcement, "policies": policies.map { ["name": $0.0, "source": $0.1] }]
            .merging(environments.map { ["environments": $0] } ?? [:]) { $1 }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        return try await world.api("POST", "/organizations/acme/policy-sets", json: json)
    }

    /// A hard-mandatory set refuses a destroy: `terraform destroy` prints the check and fails, the run ends errored with
    /// the check recorded, and nothing is destroyed. With every engine present.
    @Test(arguments: PolicyEngineProgram.available)
    func aDestroyIsRefusedByAHardMandatorySet(engine: String) async throws {
        try await CloudWorld.with(serveArguments: ["--policy-engine", engine]) { world in
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            let created = try await world.terraform(["apply", "-input=false", "-auto-approve"], resources: Self.thing)
            #expect(created.status == 0, "\(created.stdout)\(created.stderr)")
            let set = try await Self.createSet(world, name: "guardrails", enforcement: "hard-mandatory", policies: [("no-destroy", Self.noDestroy)],
                                               environments: ["production"])
            #expect(set.status == 201, "\(set.body)")
            let destroyed = try await world.terraform(["destroy", "-input=false", "-auto-approve"], resources: Self.thing)
            #expect(destroyed.status != 0)
            let printed = destroyed.stdout + destroyed.stderr
            #expect(printed.contains("Organization Policy Check:"), "\(printed)")
            #expect(printed.contains("FAIL no-destroy"), "\(printed)")
            #expect(printed.contains("terraform_data.thing would be destroyed (queued by olivia)"), "\(printed)")
            #expect(printed.contains("Organization Policy Check hard failed."), "\(printed)")
            let run = try #require(try await world.newestRun())
            #expect(run["state"] as? String == "errored")
            let runID = try #require(run["id"] as? String)
            let check = try #require(try await world.run(runID)["policyCheck"] as? [String: Any])
            #expect(check["status"] as? String == "hard_failed")
            // Still there: a new plan is the only way past.
            let output = try await world.terraform(["output", "-raw", "input"], resources: Self.thing)
            #expect(output.stdout == "INPUT", "\(output.stdout)\(output.stderr)")
        }
    }

    /// An advisory set's failure is shown (in `terraform apply`'s output and on the run's page) and the run goes on.
    @Test func anAdvisoryWarningIsShownAndTheRunGoesOn() async throws {
        let advice = """
            package airlock.naming

            deny contains sprintf("%s: name things after what they are, not 'thing'", [change.address]) if {
              some change in input.plan.resource_changes
              endswith(change.address, ".thing")
            }
            """
        try await CloudWorld.with(serveArguments: ["--policy-engine", PolicyEngineProgram.regorusShim]) { world in
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            #expect(try await Self.createSet(world, name: "advice", enforcement: "advisory", policies: [("naming", advice)]).status == 201)
            let applied = try await world.terraform(["apply", "-input=false", "-auto-approve"], resources: Self.thing)
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
            #expect(applied.stdout.contains("Organization Policy Check:"), "\(applied.stdout)")
            #expect(applied.stdout.contains("Policy set \"advice\" v1 (advisory): failed"), "\(applied.stdout)")
            #expect(applied.stdout.contains("terraform_data.thing: name things after what they are"), "\(applied.stdout)")
            #expect(applied.stdout.contains("Apply complete! Resources: 1 added"), "\(applied.stdout)")
            let id = try #require(try await world.newestRun()?["id"] as? String)
            let browser = Browser(base: world.base, client: world.client)
            _ = try await browser.logIn("mario", password: ServerProcessFixture.password)
            let page = try await browser.get("/terraform/acme/environments/production/runs/\(id)").body
            #expect(page.contains("Policy check passed (1 policy set); 1 advisory failure shown."), "\(page)")
            #expect(page.contains("terraform_data.thing: name things after what they are, not &#39;thing&#39;"), "\(page)")
        }
    }

    /// A soft-mandatory failure stops the run before anyone may confirm it. Terraform offers the override to an owner
    /// and is told where to give the code and reason; a member may not override; the owner overrides with an MFA code
    /// (checked with STS) and a reason, both audited, and the run then applies as any other.
    @Test func aSoftMandatoryFailureWaitsForAnOwnersOverrideWithMFA() async throws {
        try await Self.withSTSAndEngine { world, sts in
            let user = try await TerraformCLITests.setAWSVariables(world)
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            #expect(try await world.api("PATCH", "/organizations/acme/environments/production", json: #"{"mfa":"applies_only"}"#).status == 200)
            let created = try await Self.createSet(world, name: "careful", enforcement: "soft-mandatory",
                                                   policies: [("no-new-things", "package airlock.careful\n\ndeny contains \"new things need a change ticket\" if {\n  some change in input.plan.resource_changes\n  \"create\" in change.change.actions\n}\n")])
            #expect(created.status == 201, "\(created.body)")
            let applied = try await world.terraform(["apply", "-input=false", "-auto-approve"], resources: Self.thing)
            #expect(applied.status != 0)
            let printed = applied.stdout + applied.stderr
            #expect(printed.contains("FAIL no-new-things"), "\(printed)")
            #expect(printed.contains("new things need a change ticket"), "\(printed)")
            #expect(printed.contains("needs an owner's MFA code and a reason, which Terraform cannot send"), "\(printed)")
            let id = try #require(try await world.newestRun()?["id"] as? String)
            #expect(try await world.newestRun()?["state"] as? String == "policy_override")
            // Neither a confirmation nor a member's override gets past it.
            #expect(try await world.api("POST", "/runs/\(id)/actions/confirm", json: "{}").status == 409)
            let refused = try await world.api("POST", "/runs/\(id)/actions/override-policy", json: #"{"tokenCode":"123456","reason":"ok"}"#, as: "mario")
            #expect(refused.status == 403, "\(refused.body)")
            let noReason = try await world.api("POST", "/runs/\(id)/actions/override-policy", json: #"{"tokenCode":"123456","reason":"   "}"#)
            #expect(noReason.status == 422, "\(noReason.body)")
            let code = try #require(await sts.engine.currentCode(forUser: user.name))
            let overridden = try await world.airlock(["run", "override", "--env", "acme/production", "--run", id, "--mfa-code", code,
                                                      "--reason", "CHG-42 approved by the change board"])
            #expect(overridden.status == 0, "\(overridden.stdout)\(overridden.stderr)")
            #expect(overridden.stdout.contains("FAIL no-new-things"), "\(overridden.stdout)")
            let run = try await world.run(id)
            #expect(run["state"] as? String == "planned")
            let check = try #require(run["policyCheck"] as? [String: Any])
            #expect(check["status"] as? String == "overridden")
            #expect((check["override"] as? [String: Any])?["reason"] as? String == "CHG-42 approved by the change board")
            #expect((run["events"] as? [[String: Any]] ?? []).contains {
                ($0["note"] as? String)?.contains("Authenticated with MFA by olivia; soft-mandatory policy failure overridden: CHG-42") == true
            })
            let audit = try await world.api("GET", "/organizations/acme/environments/production/mfa-authentications").body
            #expect(audit.contains("\"purpose\":\"policy_override\""), "\(audit)")
            // The apply is approved with its own code, as any other.
            await sts.engine.advanceClock(by: 30)
            let applyCode = try #require(await sts.engine.currentCode(forUser: user.name))
            let confirmed = try await world.airlock(["run", "apply", "--env", "acme/production", "--run", id, "--mfa-code", applyCode])
            #expect(confirmed.status == 0, "\(confirmed.stdout)\(confirmed.stderr)")
            #expect(try await world.run(id)["state"] as? String == "applied")
        }
    }

    /// In a terminal, `terraform apply` offers an owner the override of a soft failure, as against TFE; the owner gives
    /// the code and reason with `airlock run override`, and the waiting Terraform goes on to its apply prompt by itself.
    @Test func terraformWaitsAtItsOverridePromptWhileAnOwnerOverrides() async throws {
        try await Self.withSTSAndEngine { world, sts in
            let user = try await TerraformCLITests.setAWSVariables(world)
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            let created = try await Self.createSet(world, name: "careful", enforcement: "soft-mandatory",
                                                   policies: [("no-new-things", "package airlock.careful\n\ndeny contains \"new things need a change ticket\" if {\n  some change in input.plan.resource_changes\n  \"create\" in change.change.actions\n}\n")])
            #expect(created.status == 201, "\(created.body)")
            let (executable, arguments, environment) = try await world.command(["apply"], resources: Self.thing)
            let terminal = try await TmuxSession(command: ([executable] + arguments).map(TmuxSession.quoted).joined(separator: " "),
                                                 environment: environment.filter { $0.key != "TF_IN_AUTOMATION" })
            defer { Task { await terminal.stop() } }
            try await terminal.waitFor("Do you want to override the soft failed policy check?", seconds: 120)
            let id = try #require(try await world.newestRun()?["id"] as? String)
            let code = try #require(await sts.engine.currentCode(forUser: user.name))
            let overridden = try await world.airlock(["run", "override", "--env", "acme/production", "--run", id, "--mfa-code", code,
                                                      "--reason", "CHG-7"])
            #expect(overridden.status == 0, "\(overridden.stdout)\(overridden.stderr)")
            try await terminal.waitFor("Do you want to perform these actions", seconds: 60)
            try await terminal.send("yes")
            let done = try await terminal.waitFor("[exit ", seconds: 120)
            #expect(done.contains("Apply complete! Resources: 1 added"), "\(done)")
            #expect(try await world.run(id)["state"] as? String == "applied")
        }
    }

    /// A policy's `approvals_required` raises the approvals the apply needs above the environment's one.
    @Test func aPolicyRaisesTheApprovalsNeeded() async throws {
        try await CloudWorld.with(serveArguments: ["--policy-engine", PolicyEngineProgram.regorusShim]) { world in
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            #expect(try await Self.createSet(world, name: "two-people", enforcement: "advisory", policies: [("approvals", Self.twoApprovalsForChanges)])
                .status == 201)
            // Terraform's -auto-approve is its creator's approval: one of the two.
            let apply = Task { try await world.terraform(["apply", "-input=false", "-auto-approve"], resources: Self.thing) }
            var waiting: String?
            _ = try await world.eventually {
                if let id = try await world.newestRun()?["id"] as? String, (try await world.run(id)["approvals"] as? [Any])?.count == 1 { waiting = id }
                return waiting != nil
            }
            let id = try #require(waiting)
            let run = try await world.run(id)
            #expect(run["requiredApprovals"] as? Int == 2)
            #expect(run["state"] as? String == "planned")
            let second = try await world.airlock(["run", "apply", "--env", "acme/production", "--run", id], as: "mario")
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            let applied = try await apply.value
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
            #expect(applied.stdout.contains("The policies ask for 2 approvals before the apply."), "\(applied.stdout)")
            #expect(applied.stdout.contains("Apply complete! Resources: 1 added"), "\(applied.stdout)")
        }
    }

    /// A policy that loops is stopped at the server's --policy-timeout (long enough for the engine to start and load the
    /// policy on a busy machine, far shorter than the loop) and the check fails closed: the plan may not be
    /// applied. Pushing a policy that does not parse is refused with the engine's message.
    @Test func aPolicyThatLoopsFailsClosed() async throws {
        let looping = """
            package airlock.slow

            # Loops (for a very long time) only on a real run's input, so that it loads when pushed.
            deny contains "never" if {
              every a in numbers.range(1, input.run.number * 100000) {
                every b in numbers.range(1, 100000) { a + b > 0 }
              }
            }
            """
        try await CloudWorld.with(serveArguments: ["--policy-engine", PolicyEngineProgram.regorusShim, "--policy-timeout", "20s"]) { world in
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            let broken = try await Self.createSet(world, name: "broken", enforcement: "advisory", policies: [("broken", "package airlock.broken\n\ndeny contains if {\n")])
            #expect(broken.status == 422, "\(broken.body)")
            #expect(broken.body.contains("broken_policies"), "\(broken.body)")
            #expect(try await Self.createSet(world, name: "slow", enforcement: "advisory", policies: [("slow", looping)]).status == 201)
            let applied = try await world.terraform(["apply", "-input=false", "-auto-approve"], resources: Self.thing)
            #expect(applied.status != 0)
            #expect((applied.stdout + applied.stderr).contains("Organization Policy Check errored."), "\(applied.stdout)\(applied.stderr)")
            let id = try #require(try await world.newestRun()?["id"] as? String)
            let run = try await world.run(id)
            #expect(run["state"] as? String == "errored")
            let sets = (run["policyCheck"] as? [String: Any])?["sets"] as? [[String: Any]] ?? []
            #expect((sets.first?["error"] as? String)?.contains("took longer than 20 seconds and was stopped") == true, "\(sets)")
        }
    }

    /// `airlock policy` end to end: create from files, list, show, push, versions, update, delete; a member is refused.
    @Test func thePolicyCommandManagesSets() async throws {
        try await CloudWorld.with(serveArguments: ["--policy-engine", PolicyEngineProgram.regorusShim]) { world in
            #expect(try await world.terraform(["init", "-input=false"]).status == 0)
            let folder = world.folder.appendingPathComponent("policies")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("no-destroy.rego")
            try Self.noDestroy.write(to: file, atomically: true, encoding: .utf8)
            let created = try await world.airlock(["policy", "create", "acme", "guardrails", "--enforcement", "hard-mandatory", "--env", "production", file.path])
            #expect(created.status == 0, "\(created.stdout)\(created.stderr)")
            #expect(created.stdout.contains("guardrails\thard-mandatory\tv1\tproduction\tno-destroy"), "\(created.stdout)")
            let refused = try await world.airlock(["policy", "create", "acme", "mine", "--enforcement", "advisory", file.path], as: "mario")
            #expect(refused.status != 0)
            let second = folder.appendingPathComponent("approvals.rego")
            try Self.twoApprovalsForChanges.write(to: second, atomically: true, encoding: .utf8)
            let pushed = try await world.airlock(["policy", "push", "acme", "guardrails", file.path, second.path])
            #expect(pushed.status == 0 && pushed.stdout.contains("v2"), "\(pushed.stdout)\(pushed.stderr)")
            let versions = try await world.airlock(["policy", "versions", "acme", "guardrails"], as: "mario")
            #expect(versions.stdout.contains("v2\tolivia") && versions.stdout.contains("v1\tolivia"), "\(versions.stdout)")
            let shown = try await world.airlock(["policy", "show", "acme", "guardrails", "--version", "1"])
            #expect(shown.stdout.contains("# no-destroy.rego") && !shown.stdout.contains("approvals.rego"), "\(shown.stdout)")
            let updated = try await world.airlock(["policy", "update", "acme", "guardrails", "--enforcement", "advisory", "--all-environments"])
            #expect(updated.status == 0 && updated.stdout.contains("advisory\tv2\tevery environment"), "\(updated.stdout)\(updated.stderr)")
            let listed = try await world.airlock(["policy", "list", "acme"], as: "mario")
            #expect(listed.stdout.contains("guardrails\tadvisory"), "\(listed.stdout)")
            #expect(try await world.airlock(["policy", "delete", "acme", "guardrails"]).status == 0)
            #expect(try await world.airlock(["policy", "list", "acme"]).stdout.isEmpty)
        }
    }
}
