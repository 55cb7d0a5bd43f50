import AirlockTesting
import Foundation
import Testing

/// The API answers only what its OpenAPI document declares, and tells a caller who may not act nothing
/// about the request's body.
@Suite struct APIContractTests {
    let fixture = ServerProcessFixture()

    @Test func ownerOnlyOperationsAreAuthorizedBeforeTheirBodyIsReadOrChecked() async throws {
        try await fixture.withServer { base, tokens, _ in
            #expect(try await fixture.call(base, "POST", "/organizations/acme/environments", as: tokens["olivia"], json: #"{"name":"prod"}"#).status == 201)
            let large = #"{"value":""# + String(repeating: "x", count: 2 << 20) + #""}"#
            let bodies = [large, "not json", #"{"value":null}"#, #"{"role":"nobody"}"#, #"{"value":"x","unknown":1}"#]
            let operations = [("PUT", "/organizations/acme/variables/X"), ("PUT", "/organizations/acme/environments/prod/variables/X"),
                              ("PUT", "/organizations/acme/members/otto"), ("PATCH", "/organizations/acme/environments/prod"),
                              ("POST", "/organizations/acme/environments")]
            for (method, path) in operations {
                for body in bodies {
                    let member = try await fixture.call(base, method, path, as: tokens["mario"], json: body)
                    #expect(member.status == 403, "\(method) \(path) as a member with \(body.prefix(20)): \(member.status) \(member.body.prefix(200))")
                    let stranger = try await fixture.call(base, method, path, as: tokens["otto"], json: body)
                    #expect(stranger.status == 404, "\(method) \(path) as another organization's owner: \(stranger.status)")
                }
            }
        }
    }

    @Test func bodiesHoldOnlyWhatTheDocumentDeclares() async throws {
        try await fixture.withServer { base, tokens, _ in
            let owner = tokens["olivia"]
            for body in [#"{"value":null}"#, #"{"value":"x","sensitive":null}"#, #"{"value":"x","extra":"y"}"#] {
                let refused = try await fixture.call(base, "PUT", "/organizations/acme/variables/X", as: owner, json: body)
                #expect(refused.status == 400, "\(body): \(refused.body)")
            }
            let null = try await fixture.call(base, "PUT", "/organizations/acme/variables/X", as: owner, json: #"{"value":null}"#)
            #expect(null.body.contains(#""value\" is null; leave a field out instead of sending null."#), "\(null.body)")
            let long = try await fixture.call(base, "PUT", "/organizations/acme/variables/X", as: owner,
                                              json: #"{"value":""# + String(repeating: "é", count: 65_537) + #""}"#)
            #expect(long.status == 400 && long.body.contains("value_too_long"), "\(long.status)")
            // 65,536 characters are accepted, however many bytes they take.
            let longest = try await fixture.call(base, "PUT", "/organizations/acme/variables/X", as: owner,
                                                 json: #"{"value":""# + String(repeating: "é", count: 65_536) + #""}"#)
            #expect(longest.status == 200, "\(longest.body.prefix(200))")
            #expect(try await fixture.call(base, "GET", "/organizations/acme/variables", as: owner).body.contains("\"X\""))
        }
    }

    @Test func undeclaredMethodsAndMediaTypesGetTheirOwnStatus() async throws {
        try await fixture.withServer { base, tokens, _ in
            let trace = try await fixture.call(base, "TRACE", "/organizations", as: tokens["olivia"])
            #expect(trace.status == 405)
            #expect(trace.headers.first { $0.0.lowercased() == "allow" }?.1 == "GET, HEAD, POST")
            #expect(try await fixture.call(base, "PATCH", "/user", as: tokens["olivia"]).status == 405)
            #expect(try await fixture.call(base, "GET", "/no/such/thing", as: tokens["olivia"]).status == 404)
            let xml = try await LocalHTTP.get(base + "/organizations", headers: [("Authorization", "Bearer \(tokens["olivia"]!)"), ("Accept", "application/xml")])
            #expect(xml.status == 406 && xml.body.contains("not_acceptable"), "declared in the document for every operation")
            #expect(try await fixture.call(base, "POST", "/organizations/acme/environments", as: tokens["olivia"], json: #"{"name":"prod"}"#).status == 201)
            let upload = try await LocalHTTP.send("POST", base + "/organizations/acme/environments/prod/configuration-versions",
                                                  headers: [("Authorization", "Bearer \(tokens["olivia"]!)")], body: Data("x".utf8), contentType: "text/plain")
            #expect(upload.status == 415)
            #expect(upload.body.contains("Send the configuration as a .tar.gz with Content-Type: application/gzip."), "\(upload.body)")
            let empty = try await LocalHTTP.send("POST", base + "/organizations/acme/environments/prod/configuration-versions",
                                                 headers: [("Authorization", "Bearer \(tokens["olivia"]!)")], body: nil, contentType: "application/gzip")
            #expect(empty.status == 422, "\(empty.body)")
        }
    }
}
