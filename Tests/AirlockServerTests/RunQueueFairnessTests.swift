@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import VaporTesting

/// Workers are shared fairly between organizations: a free worker takes a run of the organization with the fewest
/// runs executing, so one tenant's full queue never keeps another tenant's plan waiting behind it; the last free
/// worker is kept for an organization that executes nothing; an operator's cap holds an organization's further
/// runs back. In process, on the real queue statement (SQLite, and PostgreSQL in
/// the second pass).
@Suite struct RunQueueFairnessTests {
    /// Queues a plan on a new environment `name` of `organization` (made by its owner); returns the run's id.
    static func queued(_ fixture: ServerFixture, _ organization: String, _ name: String, owner: String) async throws -> UUID {
        let created = try await fixture.call(.POST, "/organizations/\(organization)/environments", as: owner, object: ["name": name])
        try #require(created.status == .created, "\(created.body.string)")
        let environment = try #require(try await TerraformEnvironment.query(on: fixture.app.db).filter(\.$name == name).first())
        try await ConfigurationVersion(environmentID: try environment.requireID(), sha256: UUID().uuidString, archive: Data([1]),
                                       uploadedBy: owner).save(on: fixture.app.db)
        let actor = try #require(try await User.query(on: fixture.app.db).filter(\.$username == owner).first())
        let run = try await Runs.queuePlan(PlanRequest(in: organization, name), actor: actor,
                                           mfa: fixture.app.mfaServices, on: fixture.app.db)
        return try run.requireID()
    }

    @Test func anotherOrganizationsPlanStartsNextWhateverTheFirstOnesQueueHolds() async throws {
        try await ServerFixture.with { fixture in
            var busy: [UUID] = []
            for index in 0..<4 { busy.append(try await Self.queued(fixture, "acme", "busy-\(index)", owner: "olivia")) }
            let other = try await Self.queued(fixture, "other", "prod", owner: "otto")
            let queue = RunQueue(database: fixture.app.db, workerID: "fair", leaseDuration: 30)
            // acme's oldest first (nobody executes anything yet), then the other organization's, though acme's are older.
            #expect(try await queue.claimNext()?.runID == busy[0])
            #expect(try await queue.claimNext()?.runID == other)
            #expect(try await queue.claimNext()?.runID == busy[1])
            #expect(try await queue.claimNext()?.runID == busy[2])
        }
    }

    @Test func anOperatorsCapHoldsAnOrganizationsFurtherRunsBack() async throws {
        try await ServerFixture.with { fixture in
            let first = try await Self.queued(fixture, "acme", "one", owner: "olivia")
            let second = try await Self.queued(fixture, "acme", "two", owner: "olivia")
            let queue = RunQueue(database: fixture.app.db, workerID: "capped", leaseDuration: 30, organizationLimit: 1)
            #expect(try await queue.claimNext()?.runID == first)
            #expect(try await queue.claimNext() == nil, "acme executes its one run already")
            let other = try await Self.queued(fixture, "other", "prod", owner: "otto")
            #expect(try await queue.claimNext()?.runID == other)
            #expect(try await RunTransition.move(first, from: [.planning], to: .errored, actor: "airlock", on: fixture.app.db))
            #expect(try await queue.claimNext()?.runID == second, "acme's next run once its first is over")
        }
    }

    /// A server with two workers or more keeps its last free one for an organization that executes nothing: one
    /// tenant's long runs never hold every worker while another tenant's run waits.
    @Test func theLastFreeWorkerWaitsForAnOrganizationThatExecutesNothing() async throws {
        try await ServerFixture.with { fixture in
            let first = try await Self.queued(fixture, "acme", "one", owner: "olivia")
            let second = try await Self.queued(fixture, "acme", "two", owner: "olivia")
            let queue = RunQueue(database: fixture.app.db, workerID: "kept", leaseDuration: 30)
            #expect(try await queue.claimNext(keepingAWorkerFree: true)?.runID == first, "acme executes nothing yet")
            #expect(try await queue.claimNext(keepingAWorkerFree: true) == nil, "the last worker is kept for another organization")
            let other = try await Self.queued(fixture, "other", "prod", owner: "otto")
            #expect(try await queue.claimNext(keepingAWorkerFree: true)?.runID == other)
            #expect(try await queue.claimNext()?.runID == second, "a worker that is not the last takes acme's next run")
        }
    }

    @Test func theLastOfSeveralWorkerSlotsIsKnownToOneClaimOnly() async {
        let slots = WorkerSlots(count: 3)
        #expect(await slots.take() == false)
        #expect(await slots.take() == false)
        #expect(await slots.take() == true)
        await slots.release()
        #expect(await slots.take() == true)
    }
}
