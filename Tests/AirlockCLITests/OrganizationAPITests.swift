import AirlockTesting
import Foundation
import Testing

/// The organizations API through a running `airlock serve`: the last owner, bad input. (Who may call what is
/// `AuthorizationTests`, in-process.)
@Suite struct OrganizationAPITests {
    let fixture = ServerProcessFixture()

    func withServer(_ body: (_ base: String, _ tokens: [String: String], _ database: TestDatabase) async throws -> Void) async throws {
        try await fixture.withServer(body)
    }

    func call(_ base: String, _ method: String, _ path: String, as token: String?, json: String? = nil) async throws -> LocalHTTP.Response {
        try await fixture.call(base, method, path, as: token, json: json)
    }

    @Test func theLastOwnerStays() async throws {
        try await withServer { base, tokens, _ in
            let remove = try await call(base, "DELETE", "/organizations/acme/members/olivia", as: tokens["olivia"])
            #expect(remove.status == 409)
            #expect(remove.body.contains(#""code":"last_owner""#))
            let demote = try await call(base, "PUT", "/organizations/acme/members/olivia", as: tokens["olivia"], json: #"{"role":"member"}"#)
            #expect(demote.status == 409)
            // With a second owner, the first may step down.
            #expect(try await call(base, "PUT", "/organizations/acme/members/mario", as: tokens["olivia"], json: #"{"role":"owner"}"#).status == 200)
            #expect(try await call(base, "PUT", "/organizations/acme/members/olivia", as: tokens["olivia"], json: #"{"role":"member"}"#).status == 200)
            let members = try await call(base, "GET", "/organizations/acme/members", as: tokens["mario"])
            #expect(members.body == #"[{"role":"owner","username":"mario"},{"role":"member","username":"olivia"}]"#)
        }
    }

    @Test func badInputGetsAClear4xxAndWritesNothing() async throws {
        try await withServer { base, tokens, _ in
            let invalid = try await call(base, "POST", "/organizations", as: tokens["olivia"], json: #"{"name":"Not Valid!"}"#)
            #expect(invalid.status == 400)
            #expect(invalid.body.contains(#""code":"invalid_name""#))
            let duplicate = try await call(base, "POST", "/organizations", as: tokens["olivia"], json: #"{"name":"acme"}"#)
            #expect(duplicate.status == 409)
            let malformed = try await call(base, "POST", "/organizations", as: tokens["olivia"], json: #"{"name":"#)
            #expect(malformed.status == 400)
            let badRole = try await call(base, "PUT", "/organizations/acme/members/otto", as: tokens["olivia"], json: #"{"role":"admin"}"#)
            #expect(badRole.status == 400)
            // Only the server's administrators create organizations (the default).
            let refused = try await call(base, "POST", "/organizations", as: tokens["mario"], json: #"{"name":"mario-team"}"#)
            #expect(refused.status == 403 && refused.body.contains(#""code":"organization_creation_reserved""#), "\(refused.body)")
            let created = try await call(base, "POST", "/organizations", as: tokens["olivia"], json: #"{"name":"olivia-team"}"#)
            #expect(created.status == 201)
            #expect(created.body == #"{"name":"olivia-team","role":"owner"}"#)
            let listed = try await call(base, "GET", "/organizations", as: tokens["olivia"])
            #expect(listed.body.contains("acme") && listed.body.contains("olivia-team") && !listed.body.contains("Not Valid"))
            #expect(!(try await call(base, "GET", "/organizations", as: tokens["mario"])).body.contains("mario-team"), "nothing was made")
        }
    }
}
