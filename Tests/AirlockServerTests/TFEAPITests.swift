@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The TFE API subset in-process: service discovery, JSON:API refusals Terraform shows, who sees which
/// workspace and state.
@Suite struct TFEAPITests {
    func send(_ fixture: ServerFixture, _ method: HTTPMethod, _ path: String, as user: String?, json: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let user, let token = fixture.tokens[user] { headers.bearerAuthorization = BearerAuthorization(token: token) }
        if json != nil { headers.contentType = TFEDocument.mediaType }
        return try await fixture.app.testing().sendRequest(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    @Test func serviceDiscoveryNamesTheTFEAPI() async throws {
        try await ServerFixture.with { fixture in
            let document = try await send(fixture, .GET, "/.well-known/terraform.json", as: nil)
            #expect(document.status == .ok)
            #expect(document.body.string.contains(#""tfe.v2":"/api/v2/""#), "\(document.body.string)")
        }
    }

    @Test func refusalsAreJSONAPIErrorsAndOtherOrganizationsSeeNothing() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let workspace = try TFEWorkspace.id(of: environment)
            let anonymous = try await send(fixture, .GET, "/api/v2/organizations/acme/workspaces/prod", as: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.body.string.hasPrefix(#"{"errors":[{"detail":"#), "\(anonymous.body.string)")
            #expect(anonymous.headers.first(name: "TFP-API-Version") == TFEAPI.apiVersion)
            #expect(anonymous.headers.contentType == TFEDocument.mediaType)
            // (path, status for: otto of another organization, mario the member, olivia the owner)
            let expectations: [(HTTPMethod, String, String?, [HTTPStatus])] = [
                (.GET, "/api/v2/organizations/acme/entitlement-set", nil, [.notFound, .ok, .ok]),
                (.GET, "/api/v2/organizations/acme/workspaces/prod", nil, [.notFound, .ok, .ok]),
                (.GET, "/api/v2/workspaces/\(workspace)/current-state-version", nil, [.notFound, .notFound, .notFound]),
                (.GET, "/api/v2/workspaces/ws-\(UUID().uuidString)/current-state-version-outputs", nil, [.notFound, .notFound, .notFound]),
                (.POST, "/api/v2/organizations/acme/workspaces", #"{"data":{"type":"workspaces","attributes":{"name":"staging"}}}"#,
                 [.notFound, .forbidden, .created]),
            ]
            for (method, path, json, statuses) in expectations {
                for (caller, status) in zip(["otto", "mario", "olivia"], statuses) {
                    let response = try await send(fixture, method, path, as: caller, json: json)
                    #expect(response.status == status, "\(method) \(path) as \(caller): \(response.body.string)")
                }
            }
            #expect(try await TerraformEnvironment.query(on: fixture.app.db).filter(\.$name == "staging").count() == 1)
        }
    }

    @Test func theCurrentStateAndItsOutputsAreTheNewestVersion() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let environmentID = try environment.requireID()
            for serial in 1...2 {
                let state = #"{"version":4,"serial":\#(serial),"lineage":"l-1","outputs":{"n":{"value":\#(serial),"type":"number"},"s":{"value":"x","type":"string","sensitive":true}},"resources":[]}"#
                try await StateVersions.store(Data(state.utf8), for: environmentID, runID: nil, secrets: fixture.app.secretBox, on: fixture.app.db)
            }
            let workspace = try TFEWorkspace.id(of: environment)
            let current = try await send(fixture, .GET, "/api/v2/workspaces/\(workspace)/current-state-version", as: "mario")
            #expect(current.body.string.contains(#""serial":2"#), "\(current.body.string)")
            let outputs = try await send(fixture, .GET, "/api/v2/workspaces/\(workspace)/current-state-version-outputs", as: "mario")
            #expect(outputs.body.string.contains(#""name":"n""#) && outputs.body.string.contains(#""value":2"#), "\(outputs.body.string)")
            #expect(outputs.body.string.contains(#""sensitive":true"#))
            let otto = try await send(fixture, .GET, "/api/v2/workspaces/\(workspace)/current-state-version-outputs", as: "otto")
            #expect(otto.status == .notFound)
            #expect(!otto.body.string.contains("\"value\""))
        }
    }

    /// Upload and log URLs need no token: only the server can make one, for its one purpose.
    @Test func capabilityURLsAreTheServersOwnAndForOnePurpose() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let created = try await send(fixture, .POST, "/api/v2/workspaces/\(try TFEWorkspace.id(of: environment))/configuration-versions", as: "mario",
                                         json: #"{"data":{"type":"configuration-versions","attributes":{"speculative":true}}}"#)
            #expect(created.status == .created, "\(created.body.string)")
            let url = try #require(created.body.string.range(of: #"/api/v2/uploads/[^"]+"#, options: .regularExpression).map { String(created.body.string[$0]) })
            let token = String(url.dropFirst("/api/v2/uploads/".count))
            let id = try #require(UUID(uuidString: String(token.prefix(36))))
            let (secrets, now) = (fixture.app.secretBox, fixture.clock.now)
            #expect(TFECapability.verify(token, .upload, now: now, secrets: secrets) == id)
            #expect(TFECapability.verify(token, .planLog, now: now, secrets: secrets) == nil, "a token is for one purpose")
            let tampered = String(token.dropLast()) + (token.hasSuffix("0") ? "1" : "0")
            #expect(TFECapability.verify(tampered, .upload, now: now, secrets: secrets) == nil)
            let parts = token.split(separator: ".")
            let extended = "\(parts[0]).\((Int(parts[1]) ?? 0) + 3600).\(parts[2])"
            #expect(TFECapability.verify(extended, .upload, now: now, secrets: secrets) == nil, "the expiry is signed")
            #expect(TFECapability.verify(token, .upload, now: now.addingTimeInterval(TFECapability.Purpose.upload.lifetime + 1), secrets: secrets) == nil,
                    "and it passes")
            #expect(try await send(fixture, .PUT, "/api/v2/uploads/\(tampered)", as: nil).status == .notFound)
            #expect(try await send(fixture, .GET, "/api/v2/plan-logs/\(token)", as: nil).status == .notFound)
            let forged = UUID().uuidString.lowercased() + ".4102444800." + String(repeating: "0", count: 64)
            #expect(try await send(fixture, .GET, "/api/v2/apply-logs/\(forged)", as: nil).status == .notFound)
        }
    }
}
