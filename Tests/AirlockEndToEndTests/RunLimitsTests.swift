import AirlockTesting
import Foundation
import Testing

/// A run phase past one of its limits (memory, processes, disk; its `/tmp` and open files, which the kernel refuses
/// and the run's programs report) ends errored with a message that names the limit,
/// while the server and another organization's run go on. Through the real Terraform in the real sandbox; the
/// server makes each phase's control groups (cgroup v1, as root, as CI runs).
@Suite(.serialized) struct RunLimitsTests {
    static let limits = ["--run-memory", "400M", "--run-processes", "200", "--run-disk", "96M", "--run-tmp", "16M", "--run-open-files", "512"]

    static func applying(_ command: String) -> [String: String] {
        ["main.tf": """
            resource "terraform_data" "work" {
              provisioner "local-exec" { command = "\(command)" }
            }
            """]
    }

    @Test func aForkBombAMemoryHogAndADiskFillerEachEndTheirOwnRun() async throws {
        try await RunWorld.with(serveArguments: RunWorld.fast + Self.limits) { world in
            #expect(!world.server.printed.contains("no memory or process limit"), "the server makes control groups: \(world.server.printed)")
            let work = [
                // Each is bounded, so that a limit that did not hold would still not take the machine down.
                ("bomb", "for i in $(seq 1000); do sleep 120 & done; wait", "went past its limit on processes (200 at once)"),
                ("hog", "python3 -c 'data = bytes(range(256)) * (6 << 20); print(len(data))'", "went past its limit on memory (400 MiB)"),
                ("filler", "for i in 1 2 3 4 5 6; do head -c 40000000 /dev/zero > filler-$i; done; sleep 120", "went past its limit on disk (96 MiB in its folder)"),
                ("tmp", "head -c 40000000 /dev/zero > /tmp/filler", "It ran out of space: its /tmp holds 16 MiB"),
                ("files", "python3 -c 'import os; [os.open(os.devnull, os.O_RDONLY) for _ in range(4096)]'",
                 "each of its processes may have 512 open (the server's --run-open-files)"),
            ]
            var runs: [(String, String)] = []
            for (name, command, limit) in work {
                #expect(try await world.call("POST", "/organizations/acme/environments", json: #"{"name":"\#(name)"}"#).status == 201)
                #expect(try await world.upload(Self.applying(command), to: name).status == 201)
                let run = try await world.queue(name)
                try await world.expect(run, reaches: "planned")
                #expect(try await world.action(run, "confirm").status == 200)
                runs.append((run, limit))
            }
            // Another organization's run, beside them.
            #expect(try await world.call("POST", "/organizations/other/environments", as: "otto", json: #"{"name":"prod"}"#).status == 201)
            #expect(try await world.upload(try await TerraformConfiguration.archive(Self.applying("echo CALM")), to: "prod", in: "other", as: "otto").status == 201)
            let calm = try await world.queue("prod", in: "other", as: "otto")
            try await world.expect(calm, reaches: "planned")
            #expect(try await world.action(calm, "confirm", as: "otto").status == 200)

            for (run, limit) in runs {
                try await world.expect(run, reaches: "errored", or: ["applied"])
                let apply = try await world.log(run, "apply")
                #expect(apply.contains(limit), "\(apply)")
            }
            try await world.expect(calm, reaches: "applied")
            #expect(try await world.call("GET", "/organizations/acme/environments").status == 200, "the server goes on")
        }
    }
}
