@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Step-up at approval, with the real OpenID provider and the test STS: an environment that wants approvers signed
/// in at the identity provider within 15 minutes, with a second factor there, sends an approver with an older
/// sign-in back to the provider (`max_age`), refuses the provider's stale answer, and takes the approval once the
/// provider says both; the AWS code is still needed, is not spent on a refused approval, and the audit names both.
@Suite(.serialized) struct ApprovalStepUpTests {
    @Test func anApproverWithAnOldSignInIsSentBackToTheProviderAndTheAuditNamesBothFactors() async throws {
        try await SingleSignOnTests.withProvider { provider in
            try await ServerFixture.with(sts: true, signIn: SingleSignOnTests.policy(provider), clockRuns: true) { fixture in
                try await fixture.setAWSVariables()
                let environment = try await fixture.environment("prod", mfa: .appliesOnly)
                let rule = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia",
                                                  object: ["approvalSignInMinutes": 15, "approvalNeedsProviderMfa": true])
                #expect(rule.status == .ok && rule.body.string.contains("\"approvalSignInMinutes\":15"), "\(rule.body.string)")
                let outOfRange = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia",
                                                        object: ["approvalSignInMinutes": 1441])
                #expect(outOfRange.status == .badRequest)

                // alice signed in at the provider an hour ago, with a password only.
                let hourAgo = Int(Date().timeIntervalSince1970) - 3600
                try await provider.setClaims("alice-id", ["preferred_username": "alice", "auth_time": hourAgo, "amr": ["pwd"]])
                var browser = SingleSignOnBrowser(fixture, provider)
                let first = try await browser.signIn(as: "alice-id")
                try await Organizations.setMember("alice", role: "member", in: "acme", on: fixture.app.db)
                let alice = try await PageSession.signedIn(try #require(first.headers.setCookie?[WebSession.cookieName]?.string), on: fixture)

                let run = try await fixture.run(on: environment, by: "mario", reaching: .planned)
                let runID = try run.requireID()
                let page = RunPages.path("acme", "prod", run: runID)
                let code = try await fixture.mfaCodes().right

                // An API token proves no sign-in: refused before the code reaches STS.
                let api = try await fixture.call(.POST, "/runs/\(runID.uuidString.lowercased())/actions/confirm", as: "olivia",
                                                 object: ["tokenCode": code])
                #expect(api.status == .forbidden && api.body.string.contains("step_up_required"), "\(api.body.string)")
                #expect(try await MFAAuthentication.query(on: fixture.app.db).count() == 0)

                // On the page: off to the provider, asking it for a sign-in at most 15 minutes old.
                let tooOld = try await alice.post(page + "/confirm", ["token_code": code], on: fixture)
                let stepUp = try #require(tooOld.headers.first(name: .location))
                #expect(stepUp.hasPrefix("/login/sso?") && stepUp.contains("max_age=900"), "\(stepUp)")
                #expect(try await MFAAuthentication.query(on: fixture.app.db).count() == 0, "no code was spent")
                var again = SingleSignOnBrowser(fixture, provider)
                let authorization = try await again.start(next: page + "&max_age=900")
                #expect(authorization.contains("max_age=900"))
                // The provider answers with the old auth_time: not the fresh sign-in asked for.
                let stale = try await again.finish(try await provider.authorize(authorization, as: "alice-id"))
                #expect(stale.status == .unauthorized && stale.body.string.contains("did not sign you in again"))

                // Signed in just now, but with a password only: the environment wants a second factor there.
                try await provider.setClaims("alice-id", ["preferred_username": "alice", "amr": ["pwd"]])
                var fresh = SingleSignOnBrowser(fixture, provider)
                let passwordOnly = try await PageSession.signedIn(
                    try #require(try await fresh.signIn(as: "alice-id", next: page).headers.setCookie?[WebSession.cookieName]?.string), on: fixture)
                let noSecondFactor = try await passwordOnly.post(page + "/confirm", ["token_code": code], on: fixture)
                #expect(noSecondFactor.headers.first(name: .location)?.hasPrefix("/login/sso?") == true)

                // With a one-time password at the provider: the approval goes through, with the AWS code.
                try await provider.setClaims("alice-id", ["preferred_username": "alice", "amr": ["pwd", "otp"]])
                var strong = SingleSignOnBrowser(fixture, provider)
                let signedIn = try await strong.signIn(as: "alice-id", next: page)
                #expect(signedIn.headers.first(name: .location) == page)
                let twoFactors = try await PageSession.signedIn(try #require(signedIn.headers.setCookie?[WebSession.cookieName]?.string), on: fixture)
                let approved = try await twoFactors.post(page + "/confirm", ["token_code": code], on: fixture)
                #expect(approved.headers.first(name: .location) == page)
                #expect(try await Run.find(runID, on: fixture.app.db)?.state == .applyQueued)
                let audit = try #require(try await MFAAuthentication.query(on: fixture.app.db).first())
                #expect(audit.succeeded && audit.username == "alice" && audit.stsRequestID != nil)
                #expect(audit.identityProof?.hasPrefix("signed in at the identity provider") == true && audit.identityProof?.contains("pwd, otp") == true,
                        "\(audit.identityProof ?? "none")")
                let listed = try await fixture.call(.GET, "/organizations/acme/environments/prod/mfa-authentications", as: "olivia")
                #expect(listed.body.string.contains("\"identityProof\":\"signed in at the identity provider"))
                let events = try await Runs.events(of: runID, on: fixture.app.db).map(\.note)
                #expect(events.contains { ($0 ?? "").contains("Authenticated with MFA by alice") && ($0 ?? "").contains("(pwd, otp)") }, "\(events)")
            }
        }
    }
}
