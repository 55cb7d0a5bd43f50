import AirlockTesting
import Foundation
import Testing

/// Environments through the API: owners create and delete, members read, other organizations see nothing.
@Suite struct EnvironmentAPITests {
    let organizations = ServerProcessFixture()

    @Test func theAuthorizationMatrixAndBadInput() async throws {
        try await organizations.withServer { base, tokens, _ in
            let matrix: [(String, String, String?, [Int])] = [
                ("POST", "/organizations/acme/environments", #"{"name":"production"}"#, [401, 404, 403, 201]),
                ("GET", "/organizations/acme/environments", nil, [401, 404, 200, 200]),
                ("GET", "/organizations/acme/environments/production", nil, [401, 404, 200, 200]),
                ("DELETE", "/organizations/acme/environments/production", nil, [401, 404, 403, 204]),
            ]
            for (method, path, json, expected) in matrix {
                for (index, who) in [nil, "otto", "mario", "olivia"].enumerated() {
                    let response = try await organizations.call(base, method, path, as: who.flatMap { tokens[$0] }, json: json)
                    #expect(response.status == expected[index], "\(method) \(path) as \(who ?? "anonymous"): \(response.body)")
                }
            }
            let created = try await organizations.call(base, "POST", "/organizations/acme/environments", as: tokens["olivia"], json: #"{"name":"staging"}"#)
            #expect(created.body == #"{"approverMustDifferFromQueuer":false,"awsSessionHours":1,"mfa":"never","name":"staging","organization":"acme","requirePersonalMfaDevice":false,"requiredApprovals":1}"#)
            let duplicate = try await organizations.call(base, "POST", "/organizations/acme/environments", as: tokens["olivia"], json: #"{"name":"staging"}"#)
            #expect(duplicate.status == 409)
            let invalid = try await organizations.call(base, "POST", "/organizations/acme/environments", as: tokens["olivia"], json: #"{"name":"../x"}"#)
            #expect(invalid.status == 400)
            let malformed = try await organizations.call(base, "POST", "/organizations/acme/environments", as: tokens["olivia"], json: "[1,")
            #expect(malformed.status == 400)
            let listed = try await organizations.call(base, "GET", "/organizations/acme/environments", as: tokens["mario"])
            #expect(listed.body == #"[{"approverMustDifferFromQueuer":false,"awsSessionHours":1,"mfa":"never","name":"staging","organization":"acme","requirePersonalMfaDevice":false,"requiredApprovals":1}]"#)
            let otherOrg = try await organizations.call(base, "GET", "/organizations/other/environments/staging", as: tokens["olivia"])
            #expect(otherOrg.status == 404)
            let oversize = try await organizations.call(base, "POST", "/organizations/acme/environments", as: tokens["olivia"],
                                                        json: #"{"name":"\#(String(repeating: "a", count: 2 << 20))"}"#)
            #expect(oversize.status == 413)
            #expect(oversize.body.contains(#""code":"body_too_large""#))
            let unchanged = try await organizations.call(base, "GET", "/organizations/acme/environments", as: tokens["mario"])
            #expect(unchanged.body == #"[{"approverMustDifferFromQueuer":false,"awsSessionHours":1,"mfa":"never","name":"staging","organization":"acme","requirePersonalMfaDevice":false,"requiredApprovals":1}]"#)
        }
    }
}
