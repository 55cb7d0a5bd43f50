import AirlockTesting
import Foundation
import Testing

/// History is bounded by the server's retention settings, and nothing a run or the environment still needs
/// goes: the current state, uploads that runs used, and runs' records stay.
@Suite struct RetentionTests {
    static let settings = RunWorld.fast + ["--keep-state-versions", "2", "--keep-unused-uploads", "1", "--keep-run-logs-days", "1"]

    @Test func oldStatesUnusedUploadsAndOldLogsGoTheRestStays() async throws {
        try await RunWorld.with(serveArguments: Self.settings) { world in
            #expect(try await world.upload(RunLifecycleTests.outputsOnly).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned")
            #expect(try await world.action(run, "discard").status == 200)
            for greeting in ["two", "three", "four"] {
                #expect(try await world.upload(["main.tf": "output \"g\" { value = \"\(greeting)\" }\n"]).status == 201)
            }
            let state = world.base + "/state/acme/prod"
            let owner = [("Authorization", "Basic " + Data("olivia:\(world.tokens["olivia"]!)".utf8).base64EncodedString())]
            for serial in 1...4 {
                let body = #"{"version":4,"terraform_version":"1.15.5","serial":\#(serial),"lineage":"retention","outputs":{},"resources":[]}"#
                #expect(try await LocalHTTP.send("POST", state, headers: owner, json: body).status == 200)
            }
            _ = try await world.sql("UPDATE runs SET queued_at = 1000")
            #expect(await world.server.stop() == 0)
            (world.server, world.base) = try await world.startAnotherServer(Self.settings)  // retention applies before it listens

            #expect(try await world.sql("SELECT serial FROM state_versions ORDER BY serial") == "3\n4")
            let current = try await LocalHTTP.get(world.base + "/state/acme/prod", headers: owner)
            #expect(current.body.contains(#""serial":4"#))
            let uploads = try await world.call("GET", "/organizations/acme/environments/prod/configuration-versions")
            #expect(uploads.body.components(separatedBy: "\"sha256\"").count - 1 == 2, "the run's upload and the newest unused one")
            #expect(try await world.sql("SELECT COUNT(*) FROM configuration_versions WHERE id IN (SELECT configuration_version_id FROM runs)") == "1")
            #expect(try await world.log(run, "plan") == "[airlock] This log was removed: the server keeps finished runs' logs for 1 days.\n")
            #expect(try await world.state(run) == "discarded", "the run itself stays")
            #expect(try await world.transitions(run).last == "discarded")
        }
    }
}
