import AirlockTesting
import Foundation
import Testing

/// The authorization matrix of the run, configuration, settings and audit routes: anonymous, another
/// organization's user, member, owner. What a visitor cannot see answers 404.
@Suite struct RunAuthorizationTests {
    @Test func everyRunRouteAgainstEveryKindOfCaller() async throws {
        try await RunWorld.with { world in
            #expect(try await world.upload(RunLifecycleTests.outputsOnlyWithData).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned", or: ["planned_and_finished"])
            let environment = "/organizations/acme/environments/prod"
            // (method, path, JSON body, expected status for: anonymous, otto, mario, olivia)
            let matrix: [(String, String, String?, [Int])] = [
                ("GET", "\(environment)/configuration-versions", nil, [401, 404, 200, 200]),
                ("GET", "\(environment)/runs", nil, [401, 404, 200, 200]),
                ("POST", "\(environment)/runs", #"{"message":"matrix"}"#, [401, 404, 201, 201]),
                ("GET", "/runs/\(run)", nil, [401, 404, 200, 200]),
                ("GET", "/runs/\(run)/logs/plan", nil, [401, 404, 200, 200]),
                ("GET", "\(environment)/mfa-authentications", nil, [401, 404, 200, 200]),
                ("PATCH", environment, #"{"mfa":"never"}"#, [401, 404, 403, 200]),
                ("POST", "/runs/\(UUID().uuidString)/actions/cancel", nil, [401, 404, 404, 404]),
                ("POST", "/runs/not-a-run/actions/discard", nil, [401, 404, 404, 404]),
            ]
            for (method, path, json, expected) in matrix {
                for (index, who) in [nil, "otto", "mario", "olivia"].enumerated() {
                    let response = try await LocalHTTP.send(method, world.base + "/api/v1" + path,
                                                            headers: who.map { [("Authorization", "Bearer \(world.tokens[$0]!)")] } ?? [], json: json)
                    #expect(response.status == expected[index], "\(method) \(path) as \(who ?? "anonymous"): \(response.body)")
                    if response.status >= 400 { #expect(response.body.hasPrefix(#"{"error":{"#), "\(response.body)") }
                }
            }
            // The upload route, with a real archive.
            let archive = try await TerraformConfiguration.archive(RunLifecycleTests.outputsOnlyWithData)
            for (index, who) in [nil, "otto", "mario", "olivia"].enumerated() {
                let response = try await LocalHTTP.send("POST", world.base + "/api/v1\(environment)/configuration-versions",
                                                        headers: who.map { [("Authorization", "Bearer \(world.tokens[$0]!)")] } ?? [],
                                                        body: archive, contentType: "application/gzip")
                #expect(response.status == [401, 404, 201, 201][index], "upload as \(who ?? "anonymous"): \(response.body)")
            }
            // The run actions, for a member (the run is theirs to decide) and an outsider.
            let pending = try await world.queue()
            #expect(try await world.action(pending, "cancel", as: "otto").status == 404)
            #expect(try await world.action(pending, "cancel", as: "mario").status == 200)
            // The state backend.
            for (index, who) in [nil, "otto", "mario", "olivia"].enumerated() {
                let headers = who.map { [("Authorization", "Basic " + Data("x:\(world.tokens[$0]!)".utf8).base64EncodedString())] } ?? []
                let state = try await LocalHTTP.get(world.base + "/state/acme/prod", headers: headers)
                #expect(state.status == [401, 404, 204, 204][index], "state as \(who ?? "anonymous")")
                let lock = try await LocalHTTP.send("LOCK", world.base + "/state/acme/prod/lock", headers: headers, json: "{}")
                #expect(lock.status == [401, 404, 403, 200][index], "lock as \(who ?? "anonymous")")
            }
            let unlock = try await LocalHTTP.send("UNLOCK", world.base + "/state/acme/prod/lock",
                                                  headers: [("Authorization", "Basic " + Data("x:\(world.tokens["olivia"]!)".utf8).base64EncodedString())], json: "{}")
            #expect(unlock.status == 200)
        }
    }
}
