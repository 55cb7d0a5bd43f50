import AirlockTesting
import Foundation
import Testing

/// `airlock run apply` under four eyes and two approvals: the person who queued the run is refused with why,
/// the first other approver is told the apply waits for the last, and the last one's apply runs.
@Suite struct FourEyesCLITests {
    @Test func theQueuerIsRefusedAndTheApplyStartsWithTheSecondApproval() async throws {
        try await RunWorld.with { world in
            #expect(try await world.call("PUT", "/organizations/acme/members/otto", json: #"{"role":"member"}"#).status == 200)
            #expect(try await world.call("PATCH", "/organizations/acme/environments/prod",
                                         json: #"{"approverMustDifferFromQueuer":true,"requiredApprovals":2}"#).status == 200)
            #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"x\" {\n  input = \"1\"\n}\n"]).status == 201)
            let run = try await world.queue(as: "mario")
            try await world.expect(run, reaches: "planned")
            func apply(as user: String) async throws -> CommandRunner.Result {
                var environment = world.fixture.environment
                environment["AIRLOCK_SERVER"] = world.base
                environment["AIRLOCK_TOKEN"] = world.tokens[user] ?? ""
                return try await CommandRunner.run(AirlockBinary.path, ["run", "apply", "--env", "acme/prod", "--run", run], environment: environment)
            }
            let queuer = try await apply(as: "mario")
            #expect(queuer.status != 0)
            #expect(queuer.stderr.contains("Four eyes: mario queued this run, so another member must approve its apply."), "\(queuer.stderr)")
            let first = try await apply(as: "olivia")
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("Approved run #1 (1 of 2 approvals: olivia); the apply starts with the last."), "\(first.stdout)")
            // `airlock run show` says what the run waits for, who approved, and whether the caller may approve.
            func show(as user: String) async throws -> String {
                var environment = world.fixture.environment
                environment["AIRLOCK_SERVER"] = world.base
                environment["AIRLOCK_TOKEN"] = world.tokens[user] ?? ""
                let shown = try await CommandRunner.run(AirlockBinary.path, ["run", "show", "--env", "acme/prod", "--run", run], environment: environment)
                #expect(shown.status == 0, "\(shown.stderr)")
                return shown.stdout
            }
            let seenByQueuer = try await show(as: "mario")
            #expect(seenByQueuer.contains("  Approved by 1 of 2; waiting for 1 more approval."), "\(seenByQueuer)")
            #expect(seenByQueuer.contains("    approved by olivia at "), "\(seenByQueuer)")
            #expect(seenByQueuer.contains("  You cannot approve this apply. Four eyes: mario queued this run, so another member must approve its apply."),
                    "\(seenByQueuer)")
            #expect(try await show(as: "otto").contains("  You may approve this apply."))
            let again = try await apply(as: "olivia")
            #expect(again.stderr.contains("You approved this run already (1 of 2 approvals)"), "\(again.stderr)")
            let last = try await apply(as: "otto")
            #expect(last.status == 0, "\(last.stdout)\(last.stderr)")
            #expect(last.stdout.contains("Confirmed run #1; applying."))
            #expect(last.stdout.contains("Apply complete!"), "\(last.stdout)")
        }
    }
}
