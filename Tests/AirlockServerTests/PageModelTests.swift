@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// What the environment and run pages show, read through their page models (no HTTP, no HTML).
@Suite struct PageModelTests {
    /// The lock beside "Queue plan" is red for the visitor's own failure for ten minutes of the server's
    /// clock, and only for that visitor.
    @Test func theEnvironmentPagesLockShowsTheVisitorsRecentFailureOnly() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            try await fixture.environment(mfa: .plansAndApplies)
            let (mario, olivia) = (try await fixture.user("mario"), try await fixture.user("olivia"))
            let load = { (visitor: User) in
                try await EnvironmentPage.load(organization: "acme", environment: "prod", visitor: visitor, now: fixture.clock.now, on: fixture.app.db)
            }
            guard case .neutral? = try await load(mario).planLock else { Issue.record("a lock, neutral, before any attempt"); return }
            do {
                _ = try await Runs.queuePlan(PlanRequest(in: "acme", "prod", tokenCode: try await fixture.mfaCodes().wrong),
                                             actor: mario, mfa: fixture.app.mfaServices, on: fixture.app.db)
                Issue.record("a wrong code queued a plan")
            } catch is MFARefusal {}
            guard case .failed? = try await load(mario).planLock else { Issue.record("red for mario"); return }
            guard case .neutral? = try await load(olivia).planLock else { Issue.record("neutral for olivia"); return }
            #expect(try await load(olivia).authentications.count == 1, "the audit lists every attempt")
            #expect(try await load(mario).runs.isEmpty, "nothing was queued")
            fixture.clock.advance(by: EnvironmentPage.failureShownFor + 1)
            guard case .neutral? = try await load(mario).planLock else { Issue.record("neutral again after ten minutes"); return }
        }
    }

    @Test func anEnvironmentWithoutPlanMFAHasNoLockAndListsItsRunsNewestFirst() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.setAWSVariables()
            let environment = try await fixture.environment(mfa: .appliesOnly)
            _ = try await fixture.run(on: environment, reaching: .planned)
            _ = try await fixture.run(on: environment)
            let page = try await EnvironmentPage.load(organization: "acme", environment: "prod", visitor: try await fixture.user("mario"),
                                                      now: fixture.clock.now, on: fixture.app.db)
            #expect(page.planLock == nil)
            #expect(page.runs.map(\.number) == [2, 1])
            #expect(page.mfaLevel == .appliesOnly)
        }
    }

    /// A planned run under "applies only" asks for a code; the page is refused, as missing, to another
    /// organization and under another environment's URL.
    @Test func theRunPageAsksForACodeAndExistsOnlyUnderItsOwnURL() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.setAWSVariables()
            let run = try await fixture.run(on: try await fixture.environment(mfa: .appliesOnly), reaching: .planned)
            try await fixture.environment("staging")
            let runID = try run.requireID()
            let (mario, otto) = (try await fixture.user("mario").requireID(), try await fixture.user("otto").requireID())
            let page = try await RunPage.load(runID: runID, organization: "acme", environment: "prod", actorID: mario, on: fixture.app.db)
            #expect(page.confirmNeedsCode)
            guard case .neutral? = page.lock else { Issue.record("the lock waits for a code"); return }
            #expect(page.events.map(\.toState) == ["pending", "planning", "planned"])
            await #expect(throws: RunRefusal.self) {
                _ = try await RunPage.load(runID: runID, organization: "acme", environment: "staging", actorID: mario, on: fixture.app.db)
            }
            await #expect(throws: RunRefusal.self) {
                _ = try await RunPage.load(runID: runID, organization: "acme", environment: "prod", actorID: otto, on: fixture.app.db)
            }
        }
    }
}
