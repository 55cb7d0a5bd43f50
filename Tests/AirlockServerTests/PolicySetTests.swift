@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Policy sets in-process (SQLite and PostgreSQL), with the real Regorus engine behind the project's shim: owners
/// manage them, members read them, other organizations see nothing; every refusal; versions kept. And what a check
/// reads of the engine's answer, and how it fails closed.
@Suite struct PolicySetTests {
    static let noDestroy = """
        package airlock.no_destroy

        deny contains msg if {
          some change in input.plan.resource_changes
          "delete" in change.change.actions
          msg := sprintf("%s would be destroyed", [change.address])
        }
        """

    static func policies(_ items: [(String, String)]) -> [[String: any Sendable]] {
        items.map { ["name": $0.0, "source": $0.1] }
    }

    /// `body` with a server whose policy engine is the Regorus shim.
    static func withEngine(_ body: @Sendable (ServerFixture) async throws -> Void) async throws {
        try await ServerFixture.with { fixture in
            fixture.app.policyEngine = PolicyEngine(executable: PolicyEngineProgram.regorusShim)
            try await body(fixture)
        }
    }

    @Test func ownersManagePolicySetsMembersReadThemAndOthersSeeNothing() async throws {
        try await Self.withEngine { fixture in
            _ = try await fixture.environment("prod")
            let set: [String: any Sendable] = ["name": "guardrails", "enforcement": "hard-mandatory", "environments": ["prod"],
                                               "policies": Self.policies([("no-destroy", Self.noDestroy)])]
            let byMember = try await fixture.call(.POST, "/organizations/acme/policy-sets", as: "mario", object: set)
            #expect(byMember.status == .forbidden, "\(byMember.body.string)")
            let byOutsider = try await fixture.call(.POST, "/organizations/acme/policy-sets", as: "otto", object: set)
            #expect(byOutsider.status == .notFound, "\(byOutsider.body.string)")
            let created = try await fixture.call(.POST, "/organizations/acme/policy-sets", as: "olivia", object: set)
            #expect(created.status == .created, "\(created.body.string)")
            #expect(created.body.string.contains("\"environments\":[\"prod\"]"), "\(created.body.string)")
            let read = try await fixture.call(.GET, "/organizations/acme/policy-sets", as: "mario")
            #expect(read.status == .ok && read.body.string.contains("\"guardrails\"") && read.body.string.contains("no_destroy"), "\(read.body.string)")
            #expect(try await fixture.call(.GET, "/organizations/acme/policy-sets/guardrails", as: "otto").status == .notFound)
            #expect(try await fixture.call(.DELETE, "/organizations/acme/policy-sets/guardrails", as: "mario").status == .forbidden)
        }
    }

    @Test func everyRefusalSaysWhy() async throws {
        try await Self.withEngine { fixture in
            _ = try await fixture.environment("prod")
            func create(_ object: [String: any Sendable]) async throws -> TestingHTTPResponse {
                try await fixture.call(.POST, "/organizations/acme/policy-sets", as: "olivia", object: object)
            }
            let cases: [(String, [String: any Sendable], HTTPStatus, String)] = [
                ("broken Rego", ["name": "a1", "enforcement": "advisory", "policies": Self.policies([("pol", "package airlock.p\n\ndeny contains if {\n")])],
                 .unprocessableEntity, "broken_policies"),
                ("no package line", ["name": "a2", "enforcement": "advisory", "policies": Self.policies([("pol", "deny contains \"x\" if { true }\n")])],
                 .unprocessableEntity, "no_package"),
                ("two policies, one package", ["name": "a3", "enforcement": "advisory",
                                               "policies": Self.policies([("p1", Self.noDestroy), ("p2", Self.noDestroy)])],
                 .unprocessableEntity, "duplicate_package"),
                ("an unknown environment", ["name": "a4", "enforcement": "advisory", "environments": ["nowhere"],
                                            "policies": Self.policies([("pol", Self.noDestroy)])],
                 .unprocessableEntity, "unknown_environment"),
                ("an unknown level", ["name": "a5", "enforcement": "strict", "policies": Self.policies([("pol", Self.noDestroy)])], .badRequest, "bad_request"),
                ("no policies", ["name": "a6", "enforcement": "advisory", "policies": [[String: String]]()], .badRequest, "no_policies"),
            ]
            for (what, object, status, code) in cases {
                let answer = try await create(object)
                #expect(answer.status == status, "\(what): \(answer.status) \(answer.body.string)")
                #expect(answer.body.string.contains(code), "\(what): \(answer.body.string)")
            }
            #expect(try await PolicySet.query(on: fixture.app.db).count() == 0, "nothing half-written")
            let good: [String: any Sendable] = ["name": "guardrails", "enforcement": "advisory", "policies": Self.policies([("pol", Self.noDestroy)])]
            #expect(try await create(good).status == .created)
            #expect(try await create(good).status == .conflict)
            let both = try await fixture.call(.PATCH, "/organizations/acme/policy-sets/guardrails", as: "olivia",
                                              object: ["environments": ["prod"], "allEnvironments": true])
            #expect(both.status == .unprocessableEntity && both.body.string.contains("scope_conflict"), "\(both.body.string)")
            // Without an engine, no set can be added.
            fixture.app.policyEngine = nil
            let noEngine = try await create(["name": "later", "enforcement": "advisory", "policies": Self.policies([("pol", Self.noDestroy)])])
            #expect(noEngine.status == .unprocessableEntity && noEngine.body.string.contains("no_policy_engine"), "\(noEngine.body.string)")
        }
    }

    @Test func versionsAreKeptAndSettingsChange() async throws {
        try await Self.withEngine { fixture in
            _ = try await fixture.environment("prod")
            _ = try await fixture.environment("staging")
            let created = try await fixture.call(.POST, "/organizations/acme/policy-sets", as: "olivia",
                                                 object: ["name": "guardrails", "enforcement": "advisory", "policies": Self.policies([("pol", Self.noDestroy)])])
            #expect(created.status == .created)
            let second = "package airlock.second\n\ndeny contains \"no\" if { input.environment.name == \"prod\" }\n"
            let pushed = try await fixture.call(.POST, "/organizations/acme/policy-sets/guardrails/versions", as: "olivia",
                                                object: ["policies": Self.policies([("second", second)])])
            #expect(pushed.status == .created && pushed.body.string.contains("\"version\":2"), "\(pushed.body.string)")
            let versions = try await fixture.call(.GET, "/organizations/acme/policy-sets/guardrails/versions", as: "mario").body.string
            #expect(versions.contains("\"number\":2") && versions.contains("\"number\":1"), "\(versions)")
            let first = try await fixture.call(.GET, "/organizations/acme/policy-sets/guardrails/versions/1", as: "mario").body.string
            #expect(first.contains("no_destroy") && !first.contains("airlock.second"), "\(first)")
            #expect(try await fixture.call(.GET, "/organizations/acme/policy-sets/guardrails/versions/9", as: "mario").status == .notFound)
            let changed = try await fixture.call(.PATCH, "/organizations/acme/policy-sets/guardrails", as: "olivia",
                                                 object: ["enforcement": "soft-mandatory", "environments": ["staging"]])
            #expect(changed.status == .ok && changed.body.string.contains("\"environments\":[\"staging\"]")
                && changed.body.string.contains("soft-mandatory"), "\(changed.body.string)")
            let prod = try await TerraformEnvironment.query(on: fixture.app.db).filter(\.$name == "prod").first()
            let staging = try await TerraformEnvironment.query(on: fixture.app.db).filter(\.$name == "staging").first()
            let organizationID = try #require(prod?.$organization.id)
            #expect(try await PolicyChecks.covering(environmentID: try #require(prod?.id), organizationID: organizationID, on: fixture.app.db).isEmpty)
            #expect(try await PolicyChecks.covering(environmentID: try #require(staging?.id), organizationID: organizationID, on: fixture.app.db).map { $0.1?.number } == [2])
            let all = try await fixture.call(.PATCH, "/organizations/acme/policy-sets/guardrails", as: "olivia", object: ["allEnvironments": true])
            #expect(all.status == .ok && !all.body.string.contains("\"environments\""), "\(all.body.string)")
            #expect(try await fixture.call(.DELETE, "/organizations/acme/policy-sets/guardrails", as: "olivia").status == .noContent)
            #expect(try await PolicySetVersion.query(on: fixture.app.db).count() == 0)
        }
    }

    /// What a check reads of `data`: deny as messages (strings or objects with msg), approvals_required as a whole
    /// number; anything else is an error the check fails closed on.
    @Test func theRulesAreReadStrictly() throws {
        let policy = Policy(name: "p", source: "package airlock.p\n")
        func data(_ json: String) throws -> RegoValue {
            try JSONDecoder().decode(RegoValue.self, from: Data(#"{"airlock":{"p":\#(json)}}"#.utf8))
        }
        let read = try PolicyRules(of: policy, in: data(#"{"deny":["a",{"msg":"b"}],"approvals_required":2}"#))
        #expect(read.deny == ["a", "b"] && read.approvalsRequired == 2)
        #expect(try PolicyRules(of: policy, in: data("{}")).deny.isEmpty)
        for bad in [#"{"deny":"x"}"#, #"{"deny":[1]}"#, #"{"approvals_required":2.5}"#, #"{"approvals_required":true}"#,
                    #"{"approvals_required":99999999999999999999}"#, #"{"approvals_required":0}"#] {
            #expect(throws: PolicyRulesError.self, "\(bad)") { try PolicyRules(of: policy, in: data(bad)) }
        }
        let errored = PolicyCheck(sets: [.init(name: "s", version: 1, enforcement: .advisory, error: "boom", policies: [], approvalsRequired: nil)],
                                  checkedAt: 0, override: nil)
        #expect(errored.status == .errored, "an advisory set that cannot be evaluated still fails closed")
        #expect(Policy(name: "p", source: "# comment\n\npackage  a.b_c # trailing\n").packagePath == ["a", "b_c"])
        #expect(Policy(name: "p", source: "package a[\"b\"]\n").packagePath == nil)
    }

    /// An engine that crashes, one that answers nonsense, and a policy that loops past the timeout: each an error.
    @Test func theEngineFailsClosed() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-engines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func script(_ name: String, _ body: String) throws -> String {
            let file = folder.appendingPathComponent(name)
            try "#!/bin/sh\n\(body)\n".write(to: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
            return file.path
        }
        let modules = [PolicyEngine.Module(fileName: "p", source: "package airlock.p\n")]
        var crashing = PolicyEngine(executable: try script("crash", "kill -SEGV $$"))
        crashing.workRoot = folder
        await #expect(throws: PolicyEngineError.crashed(status: 139, output: "")) { try await crashing.evaluate(modules, input: Data("{}".utf8)) }
        // What the engine writes to standard error (OPA's print, which a policy may fill with the plan's values) is never
        // its answer, however much it looks like one.
        var forging = PolicyEngine(executable: try script("forging", #"echo '{"result":[{"expressions":[{"value":{}}]}]}' >&2"#))
        forging.workRoot = folder
        await #expect(throws: PolicyEngineError.unreadable("its standard output is not OPA's JSON result document")) {
            try await forging.evaluate(modules, input: Data("{}".utf8))
        }
        var chatty = PolicyEngine(executable: try script("chatty", "echo 'hello'"))
        chatty.workRoot = folder
        await #expect(throws: PolicyEngineError.unreadable("its standard output is not OPA's JSON result document")) {
            try await chatty.evaluate(modules, input: Data("{}".utf8))
        }
        var real = PolicyEngine(executable: PolicyEngineProgram.regorusShim)
        real.workRoot = folder
        real.timeout = .seconds(2)
        let looping = PolicyEngine.Module(fileName: "slow", source: """
            package airlock.slow

            x if {
              every a in numbers.range(1, 100000) {
                every b in numbers.range(1, 100000) { a + b > 0 }
              }
            }
            """)
        await #expect(throws: PolicyEngineError.timedOut(seconds: 2)) { try await real.evaluate([looping], input: Data("{}".utf8)) }
        // An answer, with the default time limit: how long the engine takes to start on a busy machine is not the test.
        real.timeout = PolicyEngine(executable: PolicyEngineProgram.regorusShim).timeout
        let answered = try await real.evaluate([.init(fileName: "ok", source: "package airlock.ok\n\ndeny contains \"no\" if { input.x == 1 }\n")],
                                               input: Data(#"{"x":1}"#.utf8))
        #expect(try PolicyRules(of: Policy(name: "ok", source: "package airlock.ok\n"), in: answered).deny == ["no"])
    }

    /// `terraform show -json` output with two JSON lines is refused: a provider of the run shares Terraform's output and
    /// could have written one of them for the policies to read. A line that is not one JSON object is refused too: it
    /// would otherwise add its own keys (a second "run") to the input it is embedded in.
    @Test func aSecondJSONLineInTheShowOutputIsRefused() throws {
        #expect(try ShownPlanJSON.line(of: Data("warning\n{\"a\":1}\n".utf8)) == Data(#"{"a":1}"#.utf8))
        #expect(throws: ShownPlanJSON.Failure.self) { try ShownPlanJSON.line(of: Data("{\"forged\":1}\n{\"a\":1}\n".utf8)) }
        #expect(throws: ShownPlanJSON.Failure.self) { try ShownPlanJSON.line(of: Data(#"{"a":1},"run":{"queued_by":"nobody"}"#.utf8)) }
    }

    /// A set created or changed discards the plans waiting for confirmation or an override where it now applies (they
    /// were checked against other rules); an apply already approved goes on. Members never learn the names of
    /// environments hidden from them through a set.
    @Test func aChangedSetDiscardsWaitingPlansAndHidesEnvironmentsFromMembers() async throws {
        try await Self.withEngine { fixture in
            let prod = try await fixture.environment("prod")
            let staging = try await fixture.environment("staging")
            let waiting = try await fixture.run(on: prod, reaching: .planned)
            let elsewhere = try await fixture.run(on: staging, reaching: .planned)
            let created = try await fixture.call(.POST, "/organizations/acme/policy-sets", as: "olivia",
                                                 object: ["name": "guardrails", "enforcement": "hard-mandatory", "environments": ["prod"],
                                                          "policies": Self.policies([("pol", Self.noDestroy)])])
            #expect(created.status == .created, "\(created.body.string)")
            #expect(try await Runs.currentState(try waiting.requireID(), on: fixture.app.db) == .discarded)
            #expect(try await Runs.currentState(try elsewhere.requireID(), on: fixture.app.db) == .planned, "staging is not covered")
            let note = try await Runs.events(of: try waiting.requireID(), on: fixture.app.db).last?.note ?? ""
            #expect(note.contains("the policy set guardrails changed after this plan was checked"), "\(note)")
            let widened = try await fixture.call(.PATCH, "/organizations/acme/policy-sets/guardrails", as: "olivia", object: ["allEnvironments": true])
            #expect(widened.status == .ok, "\(widened.body.string)")
            #expect(try await Runs.currentState(try elsewhere.requireID(), on: fixture.app.db) == .discarded)
            let notTrue = try await fixture.call(.PATCH, "/organizations/acme/policy-sets/guardrails", as: "olivia", object: ["allEnvironments": false])
            #expect(notTrue.status == .badRequest && notTrue.body.string.contains("invalid_scope"), "\(notTrue.body.string)")
            // prod restricted to a team mario is not in: the set names it to owners only.
            #expect(try await fixture.call(.POST, "/organizations/acme/teams", as: "olivia", object: ["name": "ops"]).status == .created)
            #expect(try await fixture.call(.PUT, "/organizations/acme/environments/prod/team-access/ops", as: "olivia", object: ["access": "read"])
                .status == .ok)
            #expect(try await fixture.call(.PATCH, "/organizations/acme/policy-sets/guardrails", as: "olivia", object: ["environments": ["prod", "staging"]])
                .status == .ok)
            let asOwner = try await fixture.call(.GET, "/organizations/acme/policy-sets/guardrails", as: "olivia").body.string
            #expect(asOwner.contains("\"environments\":[\"prod\",\"staging\"]"), "\(asOwner)")
            let asMember = try await fixture.call(.GET, "/organizations/acme/policy-sets/guardrails", as: "mario").body.string
            #expect(asMember.contains("\"environments\":[\"staging\"]"), "\(asMember)")
        }
    }

    /// The environment's rules for approvers hold for an override: under four eyes the owner who queued the run may not
    /// override its policy failure; nor may a member; a run not waiting for one has nothing to override.
    @Test func anOverrideFollowsTheApproversRules() async throws {
        try await Self.withEngine { fixture in
            let prod = try await fixture.environment("prod")
            #expect(try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia", object: ["approverMustDifferFromQueuer": true])
                .status == .ok)
            let run = try await fixture.run(on: prod, by: "olivia", reaching: .policyOverride)
            let check = PolicyCheck(sets: [.init(name: "rules", version: 1, enforcement: .softMandatory, error: nil,
                                                 policies: [.init(name: "rule", messages: ["no"])], approvalsRequired: nil)], checkedAt: 0, override: nil)
            run.policyCheckJSON = String(decoding: try JSONEncoder().encode(check), as: UTF8.self)
            try await run.save(on: fixture.app.db)
            let path = "/runs/\(try run.requireID().uuidString.lowercased())/actions/override-policy"
            let byQueuer = try await fixture.call(.POST, path, as: "olivia", object: ["tokenCode": "123456", "reason": "mine"])
            #expect(byQueuer.status == .forbidden && byQueuer.body.string.contains("four_eyes"), "\(byQueuer.body.string)")
            let byMember = try await fixture.call(.POST, path, as: "mario", object: ["tokenCode": "123456", "reason": "mine"])
            #expect(byMember.status == .forbidden, "\(byMember.body.string)")
            let planned = try await fixture.run(on: try await fixture.environment("staging"), by: "mario", reaching: .planned)
            let nothing = try await fixture.call(.POST, "/runs/\(try planned.requireID().uuidString.lowercased())/actions/override-policy", as: "olivia",
                                                 object: ["tokenCode": "123456", "reason": "why"])
            #expect(nothing.status == .conflict && nothing.body.string.contains("nothing_to_override"), "\(nothing.body.string)")
            #expect(try await Runs.currentState(try run.requireID(), on: fixture.app.db) == .policyOverride)
        }
    }
}
