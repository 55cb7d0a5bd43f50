@testable import AirlockServer
import AirlockServerTesting
import Crypto
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

    /// The fuzzer's finding (seed 246236319694420365, on PostgreSQL): `%00` in a path reached a query, which
    /// PostgreSQL refuses: a 500. A NUL in an address, or in a JSON body that reaches the database, is a 400.
    @Test func aNulCharacterIsTheClientsMistake() async throws {
        try await ServerFixture.with { fixture in
            for path in ["/api/v2/organizations/%00/entitlement-set", "/api/v2/organizations/acme/workspaces/a%00b",
                         "/api/v1/organizations/acme/environments/%00", "/api/v1/organizations/acme/environments?search=%00"] {
                let response = try await send(fixture, .GET, path, as: "olivia")
                #expect(response.status == .badRequest, "\(path): \(response.body.string)")
            }
            let created = try await fixture.call(.POST, "/organizations/acme/environments", as: "olivia", json: #"{"name":"a\u0000b"}"#)
            #expect((400..<500).contains(created.status.code), "\(created.body.string)")
            let variable = try await fixture.call(.PUT, "/organizations/acme/variables/NUL_VALUE", as: "olivia", json: #"{"value":"a\u0000b","sensitive":false}"#)
            #expect((400..<500).contains(variable.status.code), "\(variable.body.string)")
        }
    }

    @Test func theCurrentStateAndItsOutputsAreTheNewestVersion() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let environmentID = try environment.requireID()
            for serial in 1...2 {
                let state = #"{"version":4,"serial":\#(serial),"lineage":"l-1","outputs":{"n":{"value":\#(serial),"type":"number"},"s":{"value":"x","type":"string","sensitive":true}},"resources":[]}"#
                try await StateVersions.store(Data(state.utf8), for: environmentID, by: StateWriter(runID: nil, lockID: nil, mustHoldLock: false),
                                              secrets: fixture.app.secretBox, on: fixture.app.db)
            }
            let workspace = try TFEWorkspace.id(of: environment)
            let current = try await send(fixture, .GET, "/api/v2/workspaces/\(workspace)/current-state-version", as: "mario")
            #expect(current.body.string.contains(#""serial":2"#), "\(current.body.string)")
            let outputs = try await send(fixture, .GET, "/api/v2/workspaces/\(workspace)/current-state-version-outputs", as: "mario")
            #expect(outputs.body.string.contains(#""name":"n""#) && outputs.body.string.contains(#""value":2"#), "\(outputs.body.string)")
            #expect(outputs.body.string.contains(#""sensitive":true"#))
            // As in TFE, the list leaves sensitive values out; `terraform output` reads each by its id, as anyone who may
            // read the state may (the value is in the state they can download).
            #expect(outputs.body.string.contains(#""name":"s","sensitive":true,"type":"string","value":null"#), "\(outputs.body.string)")
            let id = try #require(outputs.body.string.range(of: #"wsout-[0-9a-f-]+-s""#, options: .regularExpression)
                .map { String(outputs.body.string[$0].dropLast()) })
            let one = try await send(fixture, .GET, "/api/v2/state-version-outputs/\(id)", as: "mario")
            #expect(one.status == .ok && one.body.string.contains(#""value":"x""#), "\(one.body.string)")
            #expect(try await send(fixture, .GET, "/api/v2/state-version-outputs/\(id)", as: "otto").status == .notFound)
            #expect(try await send(fixture, .GET, "/api/v2/state-version-outputs/\(id.dropLast())x", as: "mario").status == .notFound)
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

    /// Links the server writes (Terraform's upload and log URLs, the run log's "authenticate on" page) start
    /// with its configured address: a request's `Host` is the sender's to choose, and an "authenticate on"
    /// line naming the sender's host would phish for MFA codes in a log owners read.
    @Test func linksUseTheServersAddressNeverTheRequestsHost() async throws {
        try await ServerFixture.with { fixture in
            fixture.app.publicAddress = "https://airlock.example.com"
            try await fixture.setAWSVariables()
            let environment = try await fixture.environment(mfa: .plansAndApplies)
            let workspace = try TFEWorkspace.id(of: environment)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: try #require(fixture.tokens["mario"]))
            headers.replaceOrAdd(name: .host, value: "evil.example")
            headers.contentType = TFEDocument.mediaType
            let created = try await fixture.app.testing().sendRequest(.POST, "/api/v2/workspaces/\(workspace)/configuration-versions", headers: headers,
                                                                      body: ByteBuffer(string: #"{"data":{"type":"configuration-versions"}}"#))
            #expect(created.body.string.contains(#""upload-url":"https://airlock.example.com/api/v2/uploads/"#), "\(created.body.string)")
            #expect(!created.body.string.contains("evil.example"))
            // The upload itself, as if stored: then the run, whose plan waits for a code.
            let upload = try #require(try await TFEConfigurationUpload.query(on: fixture.app.db).first())
            let version = ConfigurationVersion(environmentID: try environment.requireID(), sha256: "fuzz", archive: Data([1]), uploadedBy: "mario")
            try await version.save(on: fixture.app.db)
            upload.$configurationVersion.id = try version.requireID()
            try await upload.save(on: fixture.app.db)
            let run = try await fixture.app.testing().sendRequest(.POST, "/api/v2/runs", headers: headers, body: ByteBuffer(string: """
                {"data":{"relationships":{"workspace":{"data":{"id":"\(workspace)"}},"configuration-version":{"data":{"id":"\(TFEID.make("cv", try upload.requireID()))"}}}}}
                """))
            #expect(run.status == .created, "\(run.body.string)")
            let stored = try #require(try await Run.query(on: fixture.app.db).first())
            let log = try await RunLogChunk.text(of: try stored.requireID(), .plan, on: fixture.app.db)
            #expect(log.contains("authenticate on https://airlock.example.com/terraform/acme/environments/prod/runs/"), "\(log)")
            #expect(!log.contains("evil.example"))
            let plan = try await fixture.app.testing().sendRequest(.GET, "/api/v2/plans/\(TFEID.make("plan", try stored.requireID()))", headers: headers)
            #expect(plan.body.string.contains(#""log-read-url":"https://airlock.example.com/api/v2/plan-logs/"#), "\(plan.body.string)")
        }
    }

    /// A log URL works while the person it was made for may read the run: not after they leave the organization.
    @Test func aLogURLStopsWorkingWhenItsHolderLeaves() async throws {
        try await ServerFixture.with { fixture in
            let run = try await fixture.run(on: try await fixture.environment(), reaching: .planned)
            let plan = try await send(fixture, .GET, "/api/v2/plans/\(TFEID.make("plan", try run.requireID()))", as: "mario")
            let url = try #require(plan.body.string.range(of: #"/api/v2/plan-logs/[^"]+"#, options: .regularExpression).map { String(plan.body.string[$0]) })
            #expect(try await send(fixture, .GET, url, as: nil).status == .ok)
            #expect(try await fixture.call(.DELETE, "/organizations/acme/members/mario", as: "olivia").status == .noContent)
            #expect(try await send(fixture, .GET, url, as: nil).status == .notFound, "mario left acme: his URL is dead")
        }
    }

    /// `terraform state push`: owners lock the workspace, push the state inline (after TFE's "missing state"
    /// refusal of the upload-URL form) and unlock; members only read; the state's rules hold.
    @Test func ownersLockPushAndUnlockTheStateMembersOnlyReadIt() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let workspace = try TFEWorkspace.id(of: environment)
            func push(_ state: String, serial: Int, lineage: String = "l-1", md5: String? = nil, as user: String = "olivia") async throws -> TestingHTTPResponse {
                let digest = md5 ?? Insecure.MD5.hash(data: Data(state.utf8)).map { String(format: "%02x", $0) }.joined()
                return try await send(fixture, .POST, "/api/v2/workspaces/\(workspace)/state-versions", as: user, json: """
                    {"data":{"type":"state-versions","attributes":{"serial":\(serial),"lineage":"\(lineage)","md5":"\(digest)","state":"\(Data(state.utf8).base64EncodedString())"}}}
                    """)
            }
            let state = #"{"version":4,"serial":1,"lineage":"l-1","outputs":{"pushed":{"value":"yes","type":"string"}},"resources":[]}"#
            let member = try await send(fixture, .POST, "/api/v2/workspaces/\(workspace)/actions/lock", as: "mario", json: #"{"reason":"x"}"#)
            #expect(member.status == .forbidden, "\(member.body.string)")
            #expect(member.body.string.contains("Only an owner of acme locks"))
            #expect(try await push(state, serial: 1).status == .conflict, "not locked")
            let locked = try await send(fixture, .POST, "/api/v2/workspaces/\(workspace)/actions/lock", as: "olivia", json: #"{"reason":"x"}"#)
            #expect(locked.status == .ok, "\(locked.body.string)")
            #expect(locked.body.string.contains(#""locked":true"#))
            #expect(try await send(fixture, .POST, "/api/v2/workspaces/\(workspace)/actions/lock", as: "olivia", json: "{}").status == .conflict)
            let withoutState = try await send(fixture, .POST, "/api/v2/workspaces/\(workspace)/state-versions", as: "olivia",
                                              json: #"{"data":{"type":"state-versions","attributes":{"serial":1,"lineage":"l-1","md5":"00"}}}"#)
            #expect(withoutState.status == .unprocessableEntity)
            #expect(withoutState.body.string.contains("param is missing or the value is empty: state"), "go-tfe's cue to send it inline")
            #expect(try await push(state, serial: 1, as: "mario").status == .forbidden)
            #expect(try await push(state, serial: 1, md5: String(repeating: "0", count: 32)).status == .unprocessableEntity)
            #expect(try await push(state, serial: 2).status == .unprocessableEntity, "the serial named is the state's")
            let pushed = try await push(state, serial: 1)
            #expect(pushed.status == .created, "\(pushed.body.string)")
            let older = try await push(state.replacingOccurrences(of: #""serial":1"#, with: #""serial":0"#), serial: 0)
            #expect(older.status == .conflict)
            #expect(older.body.string.contains("not newer than the stored 1"), "\(older.body.string)")
            let outputs = try await send(fixture, .GET, "/api/v2/workspaces/\(workspace)/current-state-version-outputs", as: "mario")
            #expect(outputs.body.string.contains(#""name":"pushed""#), "\(outputs.body.string)")
            #expect(try await send(fixture, .POST, "/api/v2/workspaces/\(workspace)/actions/unlock", as: "olivia").status == .ok)
            #expect(try await TerraformEnvironment.find(try environment.requireID(), on: fixture.app.db)?.stateLock == nil)
            // force-unlock releases any lock, an owner's only.
            _ = try await StateLocks.take(#"{"ID":"someone-elses"}"#, in: try environment.requireID(), for: nil, on: fixture.app.db)
            let unlockOther = try await send(fixture, .POST, "/api/v2/workspaces/\(workspace)/actions/unlock", as: "olivia")
            #expect(unlockOther.status == .conflict, "\(unlockOther.body.string)")
            #expect(try await send(fixture, .POST, "/api/v2/workspaces/\(workspace)/actions/force-unlock", as: "mario").status == .forbidden)
            #expect(try await send(fixture, .POST, "/api/v2/workspaces/\(workspace)/actions/force-unlock", as: "otto").status == .notFound)
            #expect(try await send(fixture, .POST, "/api/v2/workspaces/\(workspace)/actions/force-unlock", as: "olivia").status == .ok)
            #expect(try await TerraformEnvironment.find(try environment.requireID(), on: fixture.app.db)?.stateLock == nil)
        }
    }
}
