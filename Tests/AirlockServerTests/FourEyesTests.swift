@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Four eyes, in-process: an environment may refuse the apply's approval to whoever queued the run, and may
/// require several people's approvals (each with their own code, each audited) before the apply starts.
@Suite struct FourEyesTests {
    func settings(_ fixture: ServerFixture, _ object: [String: any Sendable]) async throws {
        let response = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia", object: object)
        try #require(response.status == .ok, "\(response.body.string)")
    }

    @Test func whoeverQueuedTheRunMayNotApproveItsApply() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            try await settings(fixture, ["approverMustDifferFromQueuer": true])
            let run = try await fixture.run(on: environment, by: "mario", reaching: .planned)
            let runID = try run.requireID()
            let refused = await refusal {
                _ = try await Runs.confirm(runID, actor: try await fixture.user("mario"), mfa: fixture.app.mfaServices, on: fixture.app.db)
            }
            #expect(refused?.code == "four_eyes")
            #expect(refused?.message == "Four eyes: mario queued this run, so another member must approve its apply.")
            let overAPI = try await fixture.call(.POST, "/runs/\(runID.uuidString.lowercased())/actions/confirm", as: "mario", json: "{}")
            #expect(overAPI.status == .forbidden)
            #expect(overAPI.body.string.contains("four_eyes"))
            // Terraform's -auto-approve for its creator: the run waits, and the apply log says who must approve.
            #expect(try await RunAutoApply.confirm(runID, for: try await fixture.user("mario"), mfa: fixture.app.mfaServices,
                                                   pagesAddress: "https://airlock.example", logLimitBytes: 1 << 20, on: fixture.app.db) == false)
            let log = try await RunLogChunk.text(of: runID, .apply, on: fixture.app.db)
            #expect(log.contains("Four eyes: mario queued this run, so another member must approve its apply."), "\(log)")
            #expect(log.contains("https://airlock.example/terraform/acme/environments/prod/runs/"))
            let approved = try await Runs.confirm(runID, actor: try await fixture.user("olivia"), mfa: fixture.app.mfaServices, on: fixture.app.db)
            #expect(approved.run.state == .applyQueued)
        }
    }

    @Test func twoPeopleApproveEachWithTheirOwnCodeBeforeTheApplyStarts() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let environment = try await fixture.environment(mfa: .appliesOnly)
            try await settings(fixture, ["requiredApprovals": 2])
            let (phone, key) = ("arn:aws:iam::123456789012:mfa/mario-phone", "arn:aws:iam::123456789012:mfa/olivia-key")
            for (user, serial) in [("mario", phone), ("olivia", key)] { try await fixture.registerDevice(serial, as: user) }
            let run = try await fixture.run(on: environment, by: "mario", reaching: .planned)
            let runID = try run.requireID()
            let (mario, olivia) = (try await fixture.user("mario"), try await fixture.user("olivia"))
            let code = { (serial: String) async throws -> String in try #require(await fixture.sts?.engine.currentCode(forDevice: serial)) }
            let first = try await Runs.confirm(runID, actor: mario, tokenCode: try await code(phone), mfa: fixture.app.mfaServices, on: fixture.app.db)
            #expect(first.run.state == .planned, "one approval of two")
            #expect(first.run.applyCredentialsSealed == nil, "no credentials wait for the apply yet")
            #expect(try await Runs.events(of: runID, on: fixture.app.db).last?.note == "Authenticated with MFA by mario; approved (approval 1 of 2)")
            #expect(try await RunLogChunk.text(of: runID, .apply, on: fixture.app.db).contains("mario approved the apply (1 of 2 approvals)"))
            // Between the two approvals: the run waits for one more, the lock still closed; each person reads whether
            // they may approve, and with which device.
            let environmentRules = try #require(try await TerraformEnvironment.find(try environment.requireID(), on: fixture.app.db))
            let planned = try #require(try await Run.find(runID, on: fixture.app.db))
            let seen = { (user: User) async throws -> RunAwaiting? in
                try await RunAwaiting.of(planned, in: environmentRules, viewer: user, secrets: fixture.app.secretBox, on: fixture.app.db)
            }
            let byMario = try #require(try await seen(mario))
            #expect(byMario.headline == "Approved by 1 of 2; waiting for 1 more approval, each with an AWS MFA token code.")
            #expect(byMario.approvals.map(\.device) == [phone])
            #expect(byMario.viewerLine == "You cannot approve this apply. You approved this run already (1 of 2 approvals); another member must approve it too.")
            #expect(try #require(try await seen(olivia)).viewerLine == "You may approve this apply with a code from your own MFA device (\(key)).")
            let otto = try await fixture.user("otto")
            let byOtto = try #require(try await seen(otto)).viewerLine ?? ""
            #expect(byOtto.hasPrefix("You cannot approve this apply."), "otto is no member of acme: \(byOtto)")
            let halfway = try await RunPage.load(runID: runID, organization: "acme", environment: "prod", actorID: try mario.requireID(),
                                                 secrets: fixture.app.secretBox, on: fixture.app.db)
            let halfwayText = halfway.render(csrf: .empty).text
            #expect(halfwayText.contains(#"data-mfa="awaiting""#) && halfwayText.contains("Approved with MFA by mario (1 of 2); waiting for 1 more"))
            #expect(!halfwayText.contains("<strong>Authenticated with MFA by mario"), "the lock does not read as if the run were authenticated")
            let sent = await fixture.sts?.engine.received.count
            let again = await refusal {
                _ = try await Runs.confirm(runID, actor: mario, tokenCode: "123456", mfa: fixture.app.mfaServices, on: fixture.app.db)
            }
            #expect(again?.code == "already_approved")
            #expect(await fixture.sts?.engine.received.count == sent, "refused before STS")
            let second = try await Runs.confirm(runID, actor: olivia, tokenCode: try await code(key), mfa: fixture.app.mfaServices, on: fixture.app.db)
            #expect(second.run.state == .applyQueued)
            #expect(second.run.applyAuthenticatedBy == "olivia")
            // Once the last approval is in, the lock opens naming both.
            let opened = try await RunPage.load(runID: runID, organization: "acme", environment: "prod", actorID: try olivia.requireID(),
                                                secrets: fixture.app.secretBox, on: fixture.app.db)
            #expect(opened.render(csrf: .empty).text.contains("Authenticated with MFA by mario and olivia"))
            #expect(try await Runs.events(of: runID, on: fixture.app.db).last?.note == "Authenticated with MFA by olivia; apply confirmed (approval 2 of 2)")
            let audited = try await MFAAuthentication.query(on: fixture.app.db).filter(\.$succeeded == true).sort(\.$at).all()
            #expect(audited.map(\.username) == ["mario", "olivia"])
            #expect(audited.map(\.deviceSerial) == [phone, key])
            let shown = try await fixture.call(.GET, "/runs/\(runID.uuidString.lowercased())", as: "mario")
            #expect(shown.body.string.contains(#""requiredApprovals":2"#), "\(shown.body.string)")
            #expect(shown.body.string.contains(#""username":"mario""#) && shown.body.string.contains(#""username":"olivia""#))
            let page = try await RunPage.load(runID: runID, organization: "acme", environment: "prod", actorID: try mario.requireID(), secrets: fixture.app.secretBox, on: fixture.app.db)
            #expect(page.render(csrf: .empty).text.contains("Approvals: 2 of 2 (mario, olivia)"))
        }
    }

    @Test func approvalsArrivingTogetherQueueTheApplyOnce() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            try await settings(fixture, ["requiredApprovals": 2])
            let run = try await fixture.run(on: environment, by: "mario", reaching: .planned)
            let runID = try run.requireID()
            let (mario, olivia, services, database) = (try await fixture.user("mario"), try await fixture.user("olivia"), fixture.app.mfaServices,
                                                       fixture.app.db)
            async let first = Runs.confirm(runID, actor: mario, mfa: services, on: database)
            async let second = Runs.confirm(runID, actor: olivia, mfa: services, on: database)
            _ = try await (first, second)
            #expect(try await Runs.currentState(runID, on: database) == .applyQueued)
            #expect(try await Runs.approvals(of: runID, on: database).count == 2)
            #expect(try await RunEvent.query(on: database).filter(\.$run.$id == runID).filter(\.$toState == RunState.applyQueued.rawValue).count() == 1)
        }
    }

    @Test func requiredApprovalsAreOneToTen() async throws {
        try await ServerFixture.with { fixture in
            _ = try await fixture.environment()
            for count in [0, 11] {
                let refused = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia", object: ["requiredApprovals": count])
                #expect(refused.status == .badRequest, "\(count): \(refused.body.string)")
            }
            let member = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "mario", object: ["requiredApprovals": 2])
            #expect(member.status == .forbidden)
            await #expect(throws: EnvironmentRefusal.self) {
                _ = try await EnvironmentSettings.update("prod", in: "acme", change: .init(requiredApprovals: 0),
                                                         actorID: try await fixture.user("olivia").requireID(), secrets: fixture.app.secretBox,
                                                         hasIdentityProvider: false, on: fixture.app.db)
            }
            let set = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia",
                                             object: ["requiredApprovals": 3, "approverMustDifferFromQueuer": true])
            #expect(set.body.string.contains(#""requiredApprovals":3"#) && set.body.string.contains(#""approverMustDifferFromQueuer":true"#))
        }
    }
}
