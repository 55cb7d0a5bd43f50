@testable import AirlockServer
import AirlockServerTesting
import Foundation
import Testing
import Vapor
import VaporTesting

/// The organizations' rules through the API, in-process: the last owner stays, bad input gets a clear 4xx and
/// writes nothing, only the operator's choice of people create organizations. (Who may call what is
/// `AuthorizationMatrixTests`.)
@Suite struct OrganizationRulesTests {
    @Test func theLastOwnerStays() async throws {
        try await ServerFixture.with { fixture in
            let remove = try await fixture.call(.DELETE, "/organizations/acme/members/olivia", as: "olivia")
            #expect(remove.status == .conflict)
            #expect(remove.body.string.contains(#""code":"last_owner""#))
            let demote = try await fixture.call(.PUT, "/organizations/acme/members/olivia", as: "olivia", json: #"{"role":"member"}"#)
            #expect(demote.status == .conflict)
            // With a second owner, the first may step down.
            #expect(try await fixture.call(.PUT, "/organizations/acme/members/mario", as: "olivia", json: #"{"role":"owner"}"#).status == .ok)
            #expect(try await fixture.call(.PUT, "/organizations/acme/members/olivia", as: "olivia", json: #"{"role":"member"}"#).status == .ok)
            let members = try await fixture.call(.GET, "/organizations/acme/members", as: "mario")
            #expect(members.body.string == #"[{"role":"owner","username":"mario"},{"role":"member","username":"olivia"}]"#)
        }
    }

    @Test func badInputGetsAClear4xxAndWritesNothing() async throws {
        try await ServerFixture.with { fixture in
            let invalid = try await fixture.call(.POST, "/organizations", as: "olivia", json: #"{"name":"Not Valid!"}"#)
            #expect(invalid.status == .badRequest)
            #expect(invalid.body.string.contains(#""code":"invalid_name""#))
            #expect(try await fixture.call(.POST, "/organizations", as: "olivia", json: #"{"name":"acme"}"#).status == .conflict)
            #expect(try await fixture.call(.POST, "/organizations", as: "olivia", json: #"{"name":"#).status == .badRequest)
            #expect(try await fixture.call(.PUT, "/organizations/acme/members/otto", as: "olivia", json: #"{"role":"admin"}"#).status == .badRequest)
            // Only the server's administrators create organizations (the default).
            let refused = try await fixture.call(.POST, "/organizations", as: "mario", json: #"{"name":"mario-team"}"#)
            #expect(refused.status == .forbidden && refused.body.string.contains(#""code":"organization_creation_reserved""#), "\(refused.body.string)")
            let created = try await fixture.call(.POST, "/organizations", as: "olivia", json: #"{"name":"olivia-team"}"#)
            #expect(created.status == .created)
            #expect(created.body.string == #"{"name":"olivia-team","role":"owner"}"#)
            let listed = try await fixture.call(.GET, "/organizations", as: "olivia").body.string
            #expect(listed.contains("acme") && listed.contains("olivia-team") && !listed.contains("Not Valid"))
            #expect(!(try await fixture.call(.GET, "/organizations", as: "mario")).body.string.contains("mario-team"), "nothing was made")
        }
    }
}
