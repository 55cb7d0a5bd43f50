@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing

/// Terraform's `-auto-approve`: the engine confirms a planned run for the person who queued it.
@Suite struct AutoApplyTests {
    static func confirm(_ fixture: ServerFixture, _ runID: UUID, createdBy: String) async throws -> Bool {
        try await RunAutoApply.confirmForCreator(runID, createdBy: createdBy, mfa: fixture.app.mfaServices, pagesAddress: "https://airlock.example",
                                                 logLimitBytes: 1 << 20, on: fixture.app.db)
    }

    @Test func theCreatorsApprovalQueuesTheApply() async throws {
        try await ServerFixture.with { fixture in
            let run = try await fixture.run(on: try await fixture.environment(), by: "mario", reaching: .planned)
            #expect(try await Self.confirm(fixture, try run.requireID(), createdBy: "mario"))
            #expect(try await Run.find(run.requireID(), on: fixture.app.db)?.state == .applyQueued)
        }
    }

    /// The person left the organization between queueing and the plan: the run waits for a member, and its apply
    /// log (which Terraform streams) says why and where, instead of an engine error.
    @Test func aCreatorWhoLeftTheOrganizationLeavesTheRunWaitingWithAReason() async throws {
        try await ServerFixture.with { fixture in
            let run = try await fixture.run(on: try await fixture.environment(), by: "mario", reaching: .planned)
            let runID = try run.requireID()
            try await Organizations.removeMember("mario", from: "acme", actorID: try await fixture.user("olivia").requireID(), on: fixture.app.db)
            #expect(try await Self.confirm(fixture, runID, createdBy: "mario") == false)
            #expect(try await Run.find(runID, on: fixture.app.db)?.state == .planned)
            let log = try await RunLogChunk.text(of: runID, .apply, on: fixture.app.db)
            #expect(log.contains("-auto-approve confirms the apply for mario, who queued this run and is no longer a member of acme."), "\(log)")
            #expect(log.contains("https://airlock.example/terraform/acme/environments/prod/runs/\(runID.uuidString.lowercased())"), "\(log)")
            #expect(try await Self.confirm(fixture, runID, createdBy: "deleted-user") == false, "a user who no longer exists is said the same way")
            let approved = try await Runs.confirm(runID, actor: try await fixture.user("olivia"), mfa: fixture.app.mfaServices, on: fixture.app.db)
            #expect(approved.run.state == .applyQueued)
        }
    }
}
