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

                // A step-up that comes back as someone else changes nothing: alice's session stays hers.
                try await provider.setClaims("bob-id", ["preferred_username": "bob", "amr": ["pwd", "otp"]])
                let bobAuthorization = try await Self.stepUpStart(fixture, session: passwordOnly, next: page)
                var bobBrowser = SingleSignOnBrowser(fixture, provider)
                bobBrowser.bindingCookie = bobAuthorization.binding
                let asBob = try await bobBrowser.finish(try await provider.authorize(bobAuthorization.url, as: "bob-id"),
                                                        session: passwordOnly.cookie)
                #expect(asBob.status == .forbidden && asBob.body.string.contains("another account than alice"), "\(asBob.body.string)")
                #expect((asBob.headers.setCookie?[WebSession.cookieName]?.string ?? passwordOnly.cookie) == passwordOnly.cookie, "still alice's session")
                #expect(try await User.query(on: fixture.app.db).filter(\.$username == "bob").count() == 0, "nor is an account made")

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

    /// Leaves for the provider from `session`'s browser (a step-up); returns the authorization URL and the binding cookie.
    static func stepUpStart(_ fixture: ServerFixture, session: PageSession, next: String) async throws -> (url: String, binding: String?) {
        var headers = HTTPHeaders()
        headers.add(name: .cookie, value: "\(WebSession.cookieName)=\(session.cookie)")
        let response = try await fixture.app.testing().sendRequest(.GET, "/login/sso?next=\(next)&max_age=900", headers: headers)
        return (try #require(response.headers.first(name: .location)),
                response.headers.setCookie?[SingleSignOnPages.browserCookie(secure: false)]?.string)
    }

    @Test func theRuleAtItsEdges() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let environment = TerraformEnvironment()
        environment.approvalSignInMinutes = 15
        environment.storedApprovalNeedsProviderMFA = true
        func proof(_ secondsAgo: TimeInterval, _ methods: [String]) -> SignInProof {
            SignInProof(authenticatedAt: now.addingTimeInterval(-secondsAgo), methods: methods)
        }
        func refused(_ proof: SignInProof?) -> Bool { (try? ApprovalStepUp.check(environment, proof: proof, now: now)) == nil }
        #expect(!refused(proof(60, ["pwd", "otp"])) && !refused(proof(60, ["mfa"])) && !refused(proof(60, ["face", "hwk"])))
        #expect(refused(proof(60, ["otp"])), "a one-time code alone is one factor")
        #expect(refused(proof(60, ["pwd"])) && refused(proof(60, [])))
        #expect(!refused(proof(15 * 60 + 30, ["pwd", "otp"])), "a minute's allowance for the provider's clock")
        #expect(refused(proof(15 * 60 + 90, ["pwd", "otp"])))
        #expect(refused(proof(-120, ["pwd", "otp"])), "a sign-in from the future never stays fresh")
        #expect(refused(nil) && refused(SignInProof(authenticatedAt: nil, methods: ["mfa"])))
    }

    @Test func aStepUpRuleNeedsAnIdentityProvider() async throws {
        try await ServerFixture.with { fixture in
            _ = try await fixture.environment("prod")
            let refused = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia", object: ["approvalSignInMinutes": 30])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("no_identity_provider"), "\(refused.body.string)")
            #expect(try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia", object: ["approvalSignInMinutes": 0]).status == .ok)
        }
    }

    @Test func aStricterRuleVoidsApprovalsGivenUnderTheOldOneAndOffTurnsItsSecondFactorOff() async throws {
        try await SingleSignOnTests.withProvider { provider in
            try await ServerFixture.with(signIn: SingleSignOnTests.policy(provider), clockRuns: true) { fixture in
                let environment = try await fixture.environment("prod")
                #expect(try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia", object: ["requiredApprovals": 2]).status == .ok)
                let run = try await fixture.run(on: environment, by: "mario", reaching: .planned)
                let runID = try run.requireID()
                let first = try await fixture.call(.POST, "/runs/\(runID.uuidString.lowercased())/actions/confirm", as: "olivia", json: "{}")
                #expect(first.status == .ok, "\(first.body.string)")
                #expect(try await RunApproval.query(on: fixture.app.db).filter(\.$run.$id == runID).count() == 1)

                let stricter = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia",
                                                      object: ["approvalSignInMinutes": 30, "approvalNeedsProviderMfa": true])
                #expect(stricter.status == .ok)
                #expect(try await RunApproval.query(on: fixture.app.db).filter(\.$run.$id == runID).count() == 0)
                #expect(try await Runs.events(of: runID, on: fixture.app.db).contains { ($0.note ?? "").contains("Approvals so far voided") })

                let off = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia", object: ["approvalSignInMinutes": 0])
                #expect(off.status == .ok && !off.body.string.contains("approvalSignInMinutes") && !off.body.string.contains("approvalNeedsProviderMfa"),
                        "\(off.body.string)")
                let secondFactorAlone = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia",
                                                               object: ["approvalNeedsProviderMfa": true])
                #expect(secondFactorAlone.status == .unprocessableEntity && secondFactorAlone.body.string.contains("provider_mfa_without_step_up"))
            }
        }
    }
}
