@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A plan queued without the MFA token code it needs (Terraform's CLI cannot ask for one) waits in the queue,
/// holding the environment, until a member authenticates it: in-process against the test STS.
@Suite struct PlanMFAWaitTests {
    /// A plan of `environment` queued as Terraform's CLI queues it: no code, waiting for one.
    func waitingRun(_ fixture: ServerFixture, on environment: TerraformEnvironment, by user: String = "mario") async throws -> Run {
        let environmentID = try environment.requireID()
        if try await ConfigurationVersion.query(on: fixture.app.db).filter(\.$environment.$id == environmentID).count() == 0 {
            try await ConfigurationVersion(environmentID: environmentID, sha256: UUID().uuidString, archive: Data([1]), uploadedBy: user)
                .save(on: fixture.app.db)
        }
        var request = PlanRequest(in: "acme", environment.name)
        request.waitForPlanCode = true
        return try await Runs.queuePlan(request, actor: try await fixture.user(user), mfa: fixture.app.mfaServices, on: fixture.app.db)
    }

    func queue(_ fixture: ServerFixture) -> RunQueue {
        RunQueue(database: fixture.app.db, workerID: "test-worker", leaseDuration: 60)
    }


    @Test func noWorkerTakesTheWaitingPlanUntilSomeoneAuthenticatesIt() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let production = try await fixture.environment("prod", mfa: .plansAndApplies)
            let waiting = try await waitingRun(fixture, on: production)
            let runID = try waiting.requireID()
            #expect(waiting.waitsForPlanCode)
            #expect(waiting.planCredentialsSealed == nil)
            #expect(try await Runs.events(of: runID, on: fixture.app.db).last?.note == "Plan queued; waiting for an AWS MFA token code for the plan")
            // It holds its environment: a plan queued behind it (with a code) waits too; other environments' runs go on.
            _ = try await fixture.run(on: production, tokenCode: try await fixture.mfaCodes().right)
            let staging = try await fixture.run(on: try await fixture.environment("staging"))
            let first = try await queue(fixture).claimNext()
            #expect(first?.runID == (try staging.requireID()))
            #expect(try await queue(fixture).claimNext() == nil, "neither the waiting plan nor the one behind it starts")
            await fixture.sts?.engine.advanceClock(by: 30)  // a code not used yet
            let authenticated = try await Runs.authenticate(runID, phase: .plan, actor: try await fixture.user("olivia"),
                                                                tokenCode: try await fixture.mfaCodes().right, mfa: fixture.app.mfaServices,
                                                                on: fixture.app.db)
            #expect(!authenticated.run.waitsForPlanCode)
            #expect(authenticated.run.planAuthenticatedBy == "olivia")
            #expect(authenticated.run.planCredentialsSealed != nil)
            #expect(try await Runs.events(of: runID, on: fixture.app.db).last?.note == "Authenticated with MFA by olivia; the plan may start")
            let next = try await queue(fixture).claimNext()
            #expect(next?.runID == runID)
            #expect(next?.phase == .plan)
        }
    }

    @Test func aWrongCodeLeavesItWaitingWithTheLockRedAndOnlyAWaitingPlanIsAuthenticated() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let production = try await fixture.environment("prod", mfa: .plansAndApplies)
            let runID = try await waitingRun(fixture, on: production).requireID()
            let mario = try await fixture.user("mario")
            let missing = await refusal {
                _ = try await Runs.authenticate(runID, phase: .plan, actor: mario, tokenCode: nil, mfa: fixture.app.mfaServices, on: fixture.app.db)
            }
            #expect(missing?.code == "mfa_code_required")
            let wrong = await refusal {
                _ = try await Runs.authenticate(runID, phase: .plan, actor: mario, tokenCode: try await fixture.mfaCodes().wrong, mfa: fixture.app.mfaServices,
                                                    on: fixture.app.db)
            }
            #expect(wrong?.code == "mfa_failed")
            let page = try await RunPage.load(runID: runID, organization: "acme", environment: "prod", actorID: try mario.requireID(), secrets: fixture.app.secretBox, on: fixture.app.db)
            #expect(page.planNeedsCode)
            guard case .failed = page.lock else {
                Issue.record("the lock is red after a refused code, not \(String(describing: page.lock))")
                return
            }
            #expect(page.render(csrf: .empty).text.contains("/authenticate-plan"))
            #expect(try await queue(fixture).claimNext() == nil)
            // Someone of another organization does not see it; a run past waiting is not authenticated again.
            let otto = await refusal {
                _ = try await Runs.authenticate(runID, phase: .plan, actor: try await fixture.user("otto"), tokenCode: "123456", mfa: fixture.app.mfaServices,
                                                    on: fixture.app.db)
            }
            #expect(otto?.kind == .notFound)
            _ = try await Runs.cancel(runID, actor: mario, on: fixture.app.db)
            let canceled = await refusal {
                _ = try await Runs.authenticate(runID, phase: .plan, actor: mario, tokenCode: try await fixture.mfaCodes().right, mfa: fixture.app.mfaServices,
                                                    on: fixture.app.db)
            }
            #expect(canceled?.code == "not_waiting_for_mfa")
            #expect(try await MFAAuthentication.query(on: fixture.app.db).count() == 1, "refused before STS: no code, another organization, canceled")
        }
    }

    @Test func theAPIShowsTheWaitAndTakesTheCode() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let production = try await fixture.environment("prod", mfa: .plansAndApplies)
            let runID = try await waitingRun(fixture, on: production).requireID().uuidString.lowercased()
            let shown = try await fixture.call(.GET, "/runs/\(runID)", as: "mario")
            #expect(shown.body.string.contains(#""waitingForPlanCode":true"#), "\(shown.body.string)")
            let empty = try await fixture.call(.POST, "/runs/\(runID)/actions/authenticate-plan", as: "mario", json: "{}")
            #expect(empty.status == .badRequest, "\(empty.body.string)")
            let other = try await fixture.call(.POST, "/runs/\(runID)/actions/authenticate-plan", as: "otto", json: #"{"tokenCode":"123456"}"#)
            #expect(other.status == .notFound)
            let code = try await fixture.mfaCodes().right
            let authenticated = try await fixture.call(.POST, "/runs/\(runID)/actions/authenticate-plan", as: "mario", json: #"{"tokenCode":"\#(code)"}"#)
            #expect(authenticated.status == .ok, "\(authenticated.body.string)")
            #expect(authenticated.body.string.contains(#""waitingForPlanCode":false"#))
            #expect(authenticated.body.string.contains(#""planAuthenticatedBy":"mario""#))
            let again = try await fixture.call(.POST, "/runs/\(runID)/actions/authenticate-plan", as: "mario", json: #"{"tokenCode":"\#(code)"}"#)
            #expect(again.status == .conflict, "\(again.body.string)")
        }
    }

    @Test func terraformsRunWaitsAndItsPlanLogSaysWhereToAuthenticate() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let production = try await fixture.environment("prod", mfa: .plansAndApplies)
            let environmentID = try production.requireID()
            let version = ConfigurationVersion(environmentID: environmentID, sha256: "x", archive: Data([1]), uploadedBy: "mario")
            try await version.save(on: fixture.app.db)
            let upload = TFEConfigurationUpload(environmentID: environmentID, userID: try await fixture.user("mario").requireID(), speculative: false,
                                                at: Date())
            upload.$configurationVersion.id = try version.requireID()
            try await upload.save(on: fixture.app.db)
            let (workspace, uploadID) = (try TFEWorkspace.id(of: production), TFEID.make("cv", try upload.requireID()))
            let body = #"{"data":{"type":"runs","relationships":{"workspace":{"data":{"id":"\#(workspace)"}},"configuration-version":{"data":{"id":"\#(uploadID)"}}}}}"#
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: try #require(fixture.tokens["mario"]))
            headers.contentType = TFEDocument.mediaType
            let created = try await fixture.app.testing().sendRequest(.POST, "/api/v2/runs", headers: headers, body: ByteBuffer(string: body))
            #expect(created.status == .created, "\(created.body.string)")
            #expect(created.body.string.contains(#""status":"plan_queued""#), "Terraform streams the plan's log only past pending")
            let run = try #require(try await Run.query(on: fixture.app.db).filter(\.$environment.$id == environmentID).first())
            #expect(run.waitsForPlanCode)
            let log = try await RunLogChunk.text(of: try run.requireID(), .plan, on: fixture.app.db)
            #expect(log.contains("needs an AWS MFA token code for the plan"), "\(log)")
            #expect(log.contains(RunPages.path("acme", "prod", run: try run.requireID())), "\(log)")
            #expect(log.contains("airlock run plan --env acme/prod --run \(try run.requireID().uuidString.lowercased())"), "\(log)")
        }
    }
}
