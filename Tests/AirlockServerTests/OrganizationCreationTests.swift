@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Testing
import VaporTesting

/// Who may create organizations is the operator's choice: the server's administrators by default, or everyone with
/// an account. A refusal writes nothing, through the API and the page alike.
@Suite struct OrganizationCreationTests {
    @Test func onlyAdministratorsCreateOrganizationsByDefault() async throws {
        try await ServerFixture.with { fixture in
            let refused = try await fixture.call(.POST, "/organizations", as: "mario", object: ["name": "mario-team"])
            #expect(refused.status == .forbidden)
            #expect(refused.body.string.contains(#""code":"organization_creation_reserved""#), "\(refused.body.string)")
            #expect(refused.body.string.contains("--organization-creators everyone"))
            let invalidToo = try await fixture.call(.POST, "/organizations", as: "mario", object: ["name": "Not Valid!"])
            #expect(invalidToo.status == .forbidden, "who may create is checked before the name")
            #expect(try await Organization.query(on: fixture.app.db).filter(\.$name == "mario-team").count() == 0)
            #expect(try await fixture.call(.POST, "/organizations", as: "olivia", object: ["name": "olivia-team"]).status == .created)

            try await Accounts.setAdministrator("mario", true, on: fixture.app.db)
            #expect(try await fixture.call(.POST, "/organizations", as: "mario", object: ["name": "mario-team"]).status == .created)
            try await Accounts.setAdministrator("mario", false, on: fixture.app.db)
            #expect(try await fixture.call(.POST, "/organizations", as: "mario", object: ["name": "mario-again"]).status == .forbidden)
        }
    }

    @Test func theOperatorMayLetEveryoneCreateThem() async throws {
        try await ServerFixture.with(organizationCreators: .everyone) { fixture in
            let created = try await fixture.call(.POST, "/organizations", as: "mario", object: ["name": "mario-team"])
            #expect(created.status == .created, "\(created.body.string)")
        }
    }
}
