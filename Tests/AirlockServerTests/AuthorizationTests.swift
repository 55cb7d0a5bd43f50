@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Who may do what, asked as an attacker would: anonymous (401), a user of another organization (404: the
/// organization's things do not exist for them), a member (403 on what only owners do, before the body
/// is even read), and the owner.
@Suite struct AuthorizationTests {
    struct Expectation: Sendable, CustomStringConvertible {
        let method: HTTPMethod
        let path: String
        let body: String?
        /// The status for anonymous, otto (other organization), mario (member), olivia (owner).
        let statuses: [HTTPStatus]
        var description: String { "\(method) \(path)" }
    }

    static let invalidForEveryone = #"{"mfa": "sometimes", "planRoleArn": 42}"#

    static func expectations(run: String) -> [Expectation] {
        [
            Expectation(method: .GET, path: "/organizations/acme", body: nil, statuses: [.unauthorized, .notFound, .ok, .ok]),
            Expectation(method: .GET, path: "/organizations/acme/members", body: nil, statuses: [.unauthorized, .notFound, .ok, .ok]),
            Expectation(method: .DELETE, path: "/organizations/acme/members/nobody", body: nil,
                        statuses: [.unauthorized, .notFound, .forbidden, .notFound]),
            Expectation(method: .GET, path: "/organizations/acme/variables", body: nil, statuses: [.unauthorized, .notFound, .ok, .ok]),
            Expectation(method: .GET, path: "/organizations/acme/environments/prod/runs", body: nil, statuses: [.unauthorized, .notFound, .ok, .ok]),
            Expectation(method: .GET, path: "/organizations/acme/environments/prod/configuration-versions", body: nil,
                        statuses: [.unauthorized, .notFound, .ok, .ok]),
            Expectation(method: .PUT, path: "/organizations/acme/variables/REGION", body: #"{"value": "eu-west-1", "sensitive": false}"#,
                        statuses: [.unauthorized, .notFound, .forbidden, .ok]),
            Expectation(method: .PATCH, path: "/organizations/acme/environments/prod", body: invalidForEveryone,
                        statuses: [.unauthorized, .notFound, .forbidden, .badRequest]),
            Expectation(method: .PUT, path: "/organizations/acme/environments/prod/variables/X", body: #"{"value": ""# + String(repeating: "x", count: 70_000) + #"", "sensitive": false}"#,
                        statuses: [.unauthorized, .notFound, .forbidden, .badRequest]),
            Expectation(method: .GET, path: "/organizations/acme/environments/prod/mfa-authentications", body: nil,
                        statuses: [.unauthorized, .notFound, .ok, .ok]),
            Expectation(method: .GET, path: "/runs/\(run)", body: nil, statuses: [.unauthorized, .notFound, .ok, .ok]),
            Expectation(method: .POST, path: "/runs/\(run)/actions/cancel", body: nil, statuses: [.unauthorized, .notFound, .ok, .conflict]),
            // last: it makes otto an owner of acme
            Expectation(method: .PUT, path: "/organizations/acme/members/otto", body: #"{"role": "owner"}"#,
                        statuses: [.unauthorized, .notFound, .forbidden, .ok]),
        ]
    }

    @Test func eachCallerGetsTheStatusTheirRoleAllows() async throws {
        try await ServerFixture.with { fixture in
            let run = try await fixture.run(on: try await fixture.environment()).requireID().uuidString.lowercased()
            try await fixture.setVariable("SECRET", "hunter2-value", sensitive: true)
            for expectation in Self.expectations(run: run) {
                for (caller, status) in zip([nil, "otto", "mario", "olivia"], expectation.statuses) {
                    let response = try await fixture.call(expectation.method, expectation.path, as: caller, json: expectation.body)
                    #expect(response.status == status, "\(expectation) as \(caller ?? "anonymous"): \(response.body.string)")
                    #expect(!response.body.string.contains("hunter2-value"), "\(expectation) as \(caller ?? "anonymous")")
                }
            }
        }
    }

    @Test func anotherOrganizationsNamesAreIndistinguishableFromMissingOnes() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.environment()
            let existing = try await fixture.call(.GET, "/organizations/acme/environments/prod", as: "otto")
            let missing = try await fixture.call(.GET, "/organizations/nosuch/environments/prod", as: "otto")
            #expect(existing.status == .notFound)
            #expect(missing.status == existing.status)
            #expect(existing.body.string.replacingOccurrences(of: "acme", with: "nosuch") == missing.body.string)
        }
    }

    @Test func anExpiredOrRevokedTokenIsAnonymous() async throws {
        try await ServerFixture.with { fixture in
            let created = try await fixture.call(.POST, "/user/tokens", as: "mario", object: ["name": "short", "expiresInDays": 1])
            #expect(created.status == .created)
            let body = try JSONSerialization.jsonObject(with: Data(created.body.readableBytesView)) as? [String: Any]
            let token = try #require(body?["token"] as? String)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: token)
            #expect(try await fixture.app.testing().sendRequest(.GET, "/api/v1/organizations/acme", headers: headers).status == .ok)
            fixture.clock.advance(by: 86_400 + 1)
            #expect(try await fixture.app.testing().sendRequest(.GET, "/api/v1/organizations/acme", headers: headers).status == .unauthorized)
        }
    }
}
