@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Owners see when and how each member last signed in, and end a member's browser sessions and API tokens at once
/// (someone who left, a lost laptop); members and other organizations can do neither.
@Suite struct MemberSessionsTests {
    @Test func anOwnerEndsAMembersSessionsAndTokensAtOnce() async throws {
        try await ServerFixture.with { fixture in
            let mario = try await PageSession.logIn("mario", on: fixture)
            var headers = HTTPHeaders()
            headers.add(name: .cookie, value: "\(WebSession.cookieName)=\(mario.cookie)")
            #expect(try await fixture.app.testing().sendRequest(.GET, "/", headers: headers).status == .ok)

            let asOwner = try await fixture.call(.GET, "/organizations/acme/members", as: "olivia")
            #expect(asOwner.body.string.contains(#""signedInWith":"password","username":"mario""#), "\(asOwner.body.string)")
            let asMember = try await fixture.call(.GET, "/organizations/acme/members", as: "mario")
            #expect(asMember.status == .ok && !asMember.body.string.contains("lastSignInAt"), "members see no one's sign-ins")

            // Neither a member nor another organization's owner may.
            #expect(try await fixture.call(.POST, "/organizations/acme/members/olivia/actions/end-sessions", as: "mario").status == .forbidden)
            #expect(try await fixture.call(.POST, "/organizations/acme/members/mario/actions/end-sessions", as: "otto").status == .notFound)
            #expect(try await fixture.call(.POST, "/organizations/acme/members/otto/actions/end-sessions", as: "olivia").status == .notFound,
                    "otto is no member of acme")

            let ended = try await fixture.call(.POST, "/organizations/acme/members/mario/actions/end-sessions", as: "olivia")
            #expect(ended.status == .ok && ended.body.string == #"{"sessionsEnded":1,"tokensRevoked":1}"#, "\(ended.body.string)")
            #expect(try await fixture.app.testing().sendRequest(.GET, "/", headers: headers).status == .seeOther, "the session is over")
            #expect(try await fixture.call(.GET, "/organizations", as: "mario").status == .unauthorized, "the token is revoked")
            #expect(try await fixture.call(.GET, "/organizations", as: "olivia").status == .ok, "nobody else's")
        }
    }

    /// An owner can add anyone as a member without their consent: that shows nothing of their sign-ins and ends none
    /// of their sessions, which reach beyond the organization (otto owns another).
    @Test func addingSomeoneElsewhereGivesNoHoldOnTheirSessions() async throws {
        try await ServerFixture.with { fixture in
            _ = try await PageSession.logIn("otto", on: fixture)
            #expect(try await fixture.call(.PUT, "/organizations/acme/members/otto", as: "olivia", object: ["role": "member"]).status == .ok)
            let listed = try await fixture.call(.GET, "/organizations/acme/members", as: "olivia")
            #expect(listed.body.string.contains(#"{"role":"member","username":"otto"}"#), "\(listed.body.string)")
            let refused = try await fixture.call(.POST, "/organizations/acme/members/otto/actions/end-sessions", as: "olivia")
            #expect(refused.status == .forbidden && refused.body.string.contains("member_elsewhere"), "\(refused.body.string)")
            #expect(try await fixture.call(.GET, "/organizations", as: "otto").status == .ok, "otto's token still works")
        }
    }
}
