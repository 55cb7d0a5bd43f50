import AirlockTesting
import Foundation
import Testing

/// A Terraform killed after a cancel or a timeout cannot release the state lock it holds: the server does,
/// and only the lock of that run.
@Suite struct StateLockReleaseTests {
    static let slow = ["main.tf": """
        resource "terraform_data" "slow" {
          provisioner "local-exec" {
            command = "echo started; sleep 300"
          }
        }
        """]

    /// Freezes the run's Terraform (SIGSTOP), as a Terraform stuck in a provider would be: it no longer hears
    /// the server's interrupt, so the server kills it with the state lock still set.
    func freezeTerraform(of runID: String) throws {
        let processes = try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap(Int32.init)
        var frozen = 0
        for pid in processes {
            guard let folder = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"), folder.contains(runID),
                  let command = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { continue }
            let arguments = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            // Terraform itself (or the shim that loads it), not the sandbox around it.
            guard arguments.contains("apply"), !(arguments.first ?? "").hasSuffix("bwrap") else { continue }
            kill(pid, SIGSTOP)
            frozen += 1
        }
        #expect(frozen > 0, "no Terraform of run \(runID) found")
    }

    func lock(_ world: RunWorld) async throws -> String {
        try await world.sql("SELECT state_lock FROM environments WHERE name = 'prod'")
    }

    @Test func aCanceledApplyKilledWithItsLockLeavesTheStateUnlocked() async throws {
        try await RunWorld.with(serveArguments: ["--run-lease", "8s", "--cancel-grace-period", "2s"]) { world in
            #expect(try await world.upload(Self.slow).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned")
            #expect(try await world.action(run, "confirm").status == 200)
            try await world.waitForLog(run, "apply", containing: "started")
            #expect(try await lock(world).contains("\"ID\""), "the apply holds the state lock")
            try freezeTerraform(of: run)
            #expect(try await world.action(run, "cancel").status == 200)
            try await world.expect(run, reaches: "canceled")
            #expect(try await lock(world) == "", "the killed apply's lock is released")
        }
    }

    /// The timeout is long enough for a loaded machine to reach the provisioner (where Terraform is frozen)
    /// before it fires.
    @Test func anApplyPastItsTimeoutLeavesTheStateUnlockedButAnOwnersLockStays() async throws {
        try await RunWorld.with(serveArguments: ["--run-lease", "8s", "--cancel-grace-period", "2s", "--run-timeout", "90s"]) { world in
            #expect(try await world.upload(Self.slow).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned")
            #expect(try await world.action(run, "confirm").status == 200)
            try await world.waitForLog(run, "apply", containing: "started")
            try freezeTerraform(of: run)
            try await world.expect(run, reaches: "errored")
            #expect(try await lock(world) == "", "the timed-out apply's lock is released")

            // An owner's own lock (terraform state push, force-unlock) is not a run's to release.
            let state = world.base + "/state/acme/prod"
            let owner = [("Authorization", "Basic " + Data("olivia:\(world.tokens["olivia"]!)".utf8).base64EncodedString())]
            #expect(try await LocalHTTP.send("LOCK", state + "/lock", headers: owner, json: #"{"ID":"owner-lock"}"#).status == 200)
            let next = try await world.queue()
            try await world.expect(next, reaches: "planned")
            #expect(try await world.action(next, "confirm").status == 200)
            try await world.expect(next, reaches: "errored")
            #expect(try await lock(world).contains("owner-lock"))
        }
    }
}
