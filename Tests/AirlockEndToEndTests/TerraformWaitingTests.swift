import AirlockTesting
import Foundation
import Testing

/// Stock `terraform` keeps waiting while its run waits, says for what the way it does against TFE, and ends
/// clearly when the run is canceled first: against a server with one worker, which another environment's plan
/// holds for as long as the test needs (it reads a state the test releases), so nothing here sleeps a fixed time.
@Suite struct TerraformWaitingTests {
    /// A configuration whose plan holds the worker until the held state server is released.
    static func holding(port: Int) -> String {
        """
        data "terraform_remote_state" "held" {
          backend = "http"
          config = { address = "http://127.0.0.1:\(port)/" }
        }
        """
    }

    /// Uploads `files` to a new environment `name` and queues a plan there; returns the run's id.
    static func queue(_ files: [String: String], in name: String, _ world: CloudWorld) async throws -> String {
        if try await world.api("GET", "/organizations/acme/environments/\(name)").status == 404 {
            #expect(try await world.api("POST", "/organizations/acme/environments", json: #"{"name":"\#(name)"}"#).status == 201)
        }
        let upload = try await LocalHTTP.send("POST", world.base + "/api/v1/organizations/acme/environments/\(name)/configuration-versions",
                                              headers: [("Authorization", "Bearer \(world.tokens["olivia"] ?? "")")],
                                              body: try await TerraformConfiguration.archive(files), contentType: "application/gzip",
                                              using: world.client)
        #expect(upload.status == 201, "\(upload.body)")
        let queued = try await world.api("POST", "/organizations/acme/environments/\(name)/runs", json: #"{"message":"queued"}"#)
        return try #require(try RunWorld.field("id", of: queued.body))
    }

    @Test func terraformWaitsMinutesForTheWorkerAndTheRunsAheadThenFinishesOrEndsWhenCanceled() async throws {
        let release = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-release-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: release) }
        let (held, port) = try await RunIsolationTests.heldStateServer(release: release)
        defer { Task { _ = await held.stop(signal: SIGKILL) } }
        try await CloudWorld.with(serveArguments: ["--concurrency", "1", "--run-network-allow", "127.0.0.1:\(port)"]) { world in
            for (workspace, version) in [("production", TerraformVersion.v1_0), ("staging", .v1_15), ("qa", .v1_15)] {
                let initialized = try await world.terraform(["init", "-input=false"], workspace: workspace, version: version)
                #expect(initialized.status == 0, "\(initialized.stdout)\(initialized.stderr)")
            }
            // The one worker plans another environment's run, held until the test releases it.
            let holder = try await Self.queue(["main.tf": Self.holding(port: port)], in: "held", world)
            _ = try await held.waitFor("HELD", seconds: 240)
            // A run of production that waits for the worker, queued first.
            let ahead = try await Self.queue(["main.tf": TerraformCLITests.thing], in: "production", world)

            // Nothing ahead in staging: it waits for the worker, one queued run ahead of it in the organization.
            let staging = try await world.startTerraform(["plan", "-input=false"], workspace: "staging", resources: TerraformCLITests.thing)
            _ = try await staging.waitFor("Waiting for 1 queued run(s) to finish before starting...", seconds: 240)
            // Terraform 1.0's `remote` backend in production: behind the run queued there first.
            let production = try await world.startTerraform(["plan", "-input=false"], workspace: "production", resources: TerraformCLITests.thing,
                                                            version: .v1_0)
            _ = try await production.waitFor("Waiting for 1 run(s) to finish before being queued...", seconds: 240)
            // qa: two queued runs ahead; canceled while it waits.
            let qa = try await world.startTerraform(["plan", "-input=false"], workspace: "qa", resources: TerraformCLITests.thing)
            _ = try await qa.waitFor("Waiting for 2 queued run(s) to finish before starting...", seconds: 240)
            let canceled = try #require(try await world.newestRun(in: "qa")?["id"] as? String)
            #expect(try await world.api("POST", "/runs/\(canceled)/actions/cancel", json: "{}").status == 200)
            let qaEnded = await qa.waitForExit()
            #expect(qaEnded != 0, "\(qa.printed)")
            #expect(qa.printed.contains("The run was canceled before its plan started: nothing was planned."), "\(qa.printed)")

            // More than a minute, by Terraform's own clock, and it still waits.
            _ = try await staging.waitFor("Waiting for 1 queued run(s) to finish before starting... (1m0s elapsed)", seconds: 240)
            #expect(try await world.api("GET", "/runs/\(holder)").body.contains(#""state":"planning""#))
            _ = FileManager.default.createFile(atPath: release.path, contents: Data())

            // The worker frees: production's first run, then staging's plan, which terraform streams to its end.
            let stagingEnded = await staging.waitForExit()
            #expect(stagingEnded == 0, "\(staging.printed)")
            #expect(staging.printed.contains("Plan: 1 to add, 0 to change, 0 to destroy."), "\(staging.printed)")
            // production's plan waits for the run ahead of it, planned and waiting for Confirm & Apply; discarded, it goes on.
            #expect(try await world.api("GET", "/runs/\(ahead)").body.contains(#""state":"planned""#))
            #expect(try await world.api("POST", "/runs/\(ahead)/actions/discard", json: "{}").status == 200)
            let productionEnded = await production.waitForExit()
            #expect(productionEnded == 0, "\(production.printed)")
            #expect(production.printed.contains("Plan: 1 to add, 0 to change, 0 to destroy."), "\(production.printed)")
        }
    }
}
