@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// "Confirm & Apply" and the MFA gate, in-process against the test STS: the level that governs a confirm,
/// what a right and a wrong code leave behind, and the failure limit over the server's clock.
@Suite struct ConfirmAndMFAGateTests {
    @Test func confirmQueuesTheApplyAndRecordsWhoConfirmed() async throws {
        try await ServerFixture.with { fixture in
            let run = try await fixture.run(on: try await fixture.environment(), reaching: .planned)
            let confirmed = try await Runs.confirm(try run.requireID(), actor: try await fixture.user("mario"), mfa: fixture.app.mfaServices,
                                                   on: fixture.app.db)
            #expect(confirmed.run.state == .applyQueued)
            #expect(try await Runs.events(of: try run.requireID(), on: fixture.app.db).last?.actor == "mario")
            let again = await refusal {
                _ = try await Runs.confirm(try run.requireID(), actor: try await fixture.user("olivia"), mfa: fixture.app.mfaServices,
                                           on: fixture.app.db)
            }
            #expect(again?.kind == .conflict, "a run is confirmed once")
        }
    }

    @Test func raisingTheLevelAfterThePlanCoversItsConfirm() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let environment = try await fixture.environment()
            let run = try await fixture.run(on: environment, reaching: .planned)
            #expect(run.mfaLevel == .never)
            let raised = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia", object: ["mfa": "applies_only"])
            #expect(raised.status == .ok)
            let mario = try await fixture.user("mario")
            let withoutCode = await refusal {
                _ = try await Runs.confirm(try run.requireID(), actor: mario, mfa: fixture.app.mfaServices, on: fixture.app.db)
            }
            #expect(withoutCode?.code == "mfa_code_required")
            #expect(try await Runs.currentState(try run.requireID(), on: fixture.app.db) == .planned)
            let codes = try await fixture.mfaCodes()
            let confirmed = try await Runs.confirm(try run.requireID(), actor: mario, tokenCode: codes.right, mfa: fixture.app.mfaServices,
                                                   on: fixture.app.db)
            #expect(confirmed.run.state == .applyQueued)
            #expect(confirmed.run.mfaLevel == .appliesOnly, "the stricter level is stored with the confirm")
            #expect(confirmed.run.applyAuthenticatedBy == "mario")
            #expect(confirmed.run.applyCredentialsSealed != nil)
            let note = try await Runs.events(of: try run.requireID(), on: fixture.app.db).last?.note
            #expect(note == "Authenticated with MFA by mario; apply confirmed")
        }
    }

    @Test func aWrongCodeLeavesTheRunPlannedWithSTSsMessage() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let run = try await fixture.run(on: try await fixture.environment(mfa: .appliesOnly), reaching: .planned)
            let codes = try await fixture.mfaCodes()
            let refused = await refusal {
                _ = try await Runs.confirm(try run.requireID(), actor: try await fixture.user("mario"), tokenCode: codes.wrong,
                                           mfa: fixture.app.mfaServices, on: fixture.app.db)
            }
            #expect(refused?.code == "mfa_failed")
            #expect(refused?.message.contains("MultiFactorAuthentication") == true || refused?.message.contains("MFA") == true, "\(String(describing: refused))")
            let stored = try #require(try await Run.find(try run.requireID(), on: fixture.app.db))
            #expect(stored.state == .planned)
            #expect(stored.applyCredentialsSealed == nil)
            let attempts = try await MFAAuthentication.query(on: fixture.app.db).all()
            #expect(attempts.count == 1)
            #expect(attempts.first?.succeeded == false)
            #expect(attempts.first?.error == refused?.message, "the attempt records STS's refusal, never the code")
            #expect(!attempts.contains { ($0.error ?? "").contains(codes.wrong) })
        }
    }

    @Test func aMalformedCodeNeverReachesSTS() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let run = try await fixture.run(on: try await fixture.environment(mfa: .appliesOnly), reaching: .planned)
            for code in ["12345", "1234567", "12a456", "١٢٣٤٥٦"] {
                let refused = await refusal {
                    _ = try await Runs.confirm(try run.requireID(), actor: try await fixture.user("mario"), tokenCode: code,
                                               mfa: fixture.app.mfaServices, on: fixture.app.db)
                }
                #expect(refused?.code == "invalid_mfa_code", "\(code)")
            }
            #expect(await fixture.sts?.engine.received.isEmpty == true)
        }
    }

    @Test func fiveFailuresInAWindowStopFurtherCodesUntilTheWindowPasses() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let run = try await fixture.run(on: try await fixture.environment(mfa: .appliesOnly), reaching: .planned)
            let mario = try await fixture.user("mario")
            let confirm = { (code: String) in
                await refusal {
                    _ = try await Runs.confirm(try run.requireID(), actor: mario, tokenCode: code, mfa: fixture.app.mfaServices, on: fixture.app.db)
                }
            }
            let wrong = try await fixture.mfaCodes().wrong
            for _ in 0..<MFAGate.maximumFailures { #expect(await confirm(wrong)?.code == "mfa_failed") }
            let sent = await fixture.sts?.engine.received.count
            #expect(await confirm(wrong)?.code == "too_many_mfa_failures")
            #expect(await confirm(try await fixture.mfaCodes().right)?.code == "too_many_mfa_failures", "even the right code waits")
            #expect(await fixture.sts?.engine.received.count == sent, "no code reached STS past the limit")
            #expect(try await Runs.currentState(try run.requireID(), on: fixture.app.db) == .planned)
            // The budget is the person's: mario's guessing does not lock olivia's approval out of the environment.
            let approved = try await Runs.confirm(try run.requireID(), actor: try await fixture.user("olivia"), tokenCode: try await fixture.mfaCodes().right,
                                                  mfa: fixture.app.mfaServices, on: fixture.app.db)
            #expect(approved.run.state == .applyQueued, "olivia approves where mario is locked out")
            try await RunTransition.move(try run.requireID(), from: [.applyQueued], to: .applying, actor: "airlock", on: fixture.app.db)
            try await RunTransition.move(try run.requireID(), from: [.applying], to: .applied, actor: "airlock", on: fixture.app.db)
            let next = try await fixture.run(on: try #require(try await TerraformEnvironment.query(on: fixture.app.db).first()), reaching: .planned)
            fixture.clock.advance(by: MFAGate.failureWindow + 1)
            await fixture.sts?.engine.advanceClock(by: 30)
            let confirmed = try await Runs.confirm(try next.requireID(), actor: mario, tokenCode: try await fixture.mfaCodes().right,
                                                   mfa: fixture.app.mfaServices, on: fixture.app.db)
            #expect(confirmed.run.state == .applyQueued)
        }
    }

    @Test func anUnreachableSTSIsNotTheUsersFailure() async throws {
        try await ServerFixture.with { fixture in  // no STS: its address answers nothing
            try await fixture.setAWSVariables()
            let run = try await fixture.run(on: try await fixture.environment(mfa: .appliesOnly), reaching: .planned)
            let (runID, mario, services, database) = (try run.requireID(), try await fixture.user("mario"), fixture.app.mfaServices, fixture.app.db)
            let attempt = { @Sendable () async -> String? in
                do {
                    _ = try await Runs.confirm(runID, actor: mario, tokenCode: "123456", mfa: services, on: database)
                    return nil
                } catch {
                    return (error as? any Refusal)?.code ?? "\(error)"
                }
            }
            // A batch as large as the limit at once (attempts count while they wait for STS), then more.
            var codes = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<MFAGate.maximumFailures { group.addTask { await attempt() } }
                return await group.reduce(into: [String?]()) { $0.append($1) }
            }
            for _ in 0..<2 { codes.append(await attempt()) }
            #expect(codes.allSatisfy { $0 == "sts_unreachable" }, "\(codes)")
            #expect(try await Runs.currentState(runID, on: database) == .planned)
            let counted = try await MFAAuthentication.query(on: fixture.app.db).filter(\.$countsAsFailure == true).count()
            #expect(counted == 0)
        }
    }

    @Test func variablesRemovedAfterTheLevelWasSetAreNamedAndNotCounted() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let run = try await fixture.run(on: try await fixture.environment(mfa: .appliesOnly), reaching: .planned)
            for key in [AWSAccess.secretKeyVariable, AWSAccess.serialVariable] {
                #expect(try await fixture.call(.DELETE, "/organizations/acme/variables/\(key)", as: "olivia").status == .noContent)
            }
            let refused = await refusal {
                _ = try await Runs.confirm(try run.requireID(), actor: try await fixture.user("mario"), tokenCode: "123456",
                                           mfa: fixture.app.mfaServices, on: fixture.app.db)
            }
            #expect(refused?.code == "mfa_not_configured")
            #expect(refused?.message.contains(AWSAccess.secretKeyVariable) == true)
            #expect(refused?.message.contains(AWSAccess.serialVariable) == true)
            #expect(await fixture.sts?.engine.received.isEmpty == true)
            #expect(try await MFAAuthentication.query(on: fixture.app.db).filter(\.$countsAsFailure == true).count() == 0)
        }
    }
}
