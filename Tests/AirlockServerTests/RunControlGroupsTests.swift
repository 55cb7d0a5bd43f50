@testable import AirlockServer
import Foundation
import Testing

/// How the server sets up its runs' control groups on each kind of host, on a folder laid out as the kernel's
/// cgroup file systems are (the end-to-end `RunLimitsTests` runs on this machine's real cgroup v1; a cgroup v2 host's
/// controllers cannot be had here beside v1's, so v2's set-up is checked this way).
@Suite struct RunControlGroupsTests {
    static func tree(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-cgroups-\(UUID().uuidString)")
        for (path, contents) in files {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: file)
        }
        return root
    }

    static func read(_ root: URL, _ path: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)) ?? "missing"
    }

    @Test func onCgroupV2TheServerMovesIntoALeafAndEnablesTheControllersForItsRuns() throws {
        let root = try Self.tree(["cgroup.controllers": "cpu memory pids", "srv/cgroup.controllers": "cpuset cpu io memory pids",
                                  "srv/cgroup.subtree_control": "", "srv/airlock-server/cgroup.procs": ""])
        defer { try? FileManager.default.removeItem(at: root) }
        let groups = try #require(RunControlGroups.detect(root: root, membership: "0::/srv\n", pid: 4242))
        #expect(groups.version == .v2)
        #expect(Self.read(root, "srv/airlock-server/cgroup.procs") == "4242")
        #expect(Self.read(root, "srv/cgroup.subtree_control") == "+memory +pids +cpu")

        var limits = RunLimits()
        limits.memoryBytes = 512 << 20
        limits.processes = 300
        // The kernel makes a group's files with it; here they are made by hand.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("srv/airlock-run-plan"), withIntermediateDirectories: true)
        for file in ["memory.max", "pids.max", "cpu.weight", "cgroup.procs", "memory.events", "pids.events"] {
            try Data().write(to: root.appendingPathComponent("srv/airlock-run-plan/\(file)"))
        }
        let group = try groups.make("airlock-run-plan", limits: limits)
        #expect(group.membershipFiles == [root.appendingPathComponent("srv/airlock-run-plan/cgroup.procs").path])
        #expect(Self.read(root, "srv/airlock-run-plan/memory.max") == "\(512 << 20)")
        #expect(Self.read(root, "srv/airlock-run-plan/pids.max") == "300")
        #expect(Self.read(root, "srv/airlock-run-plan/cpu.weight") == "\(min(10_000, 100 * RunControlGroups.processors))")
        #expect(group.exceededLimit() == nil)
        try Data("low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n".utf8).write(to: root.appendingPathComponent("srv/airlock-run-plan/memory.events"))
        #expect(group.exceededLimit() == "memory (512 MiB)")
        try Data("max 0\n".utf8).write(to: root.appendingPathComponent("srv/airlock-run-plan/memory.events"))
        try Data("max 2\n".utf8).write(to: root.appendingPathComponent("srv/airlock-run-plan/pids.events"))
        #expect(group.exceededLimit() == "processes (300 at once)")
    }

    @Test func withoutTheControllersOrItsGroupThereAreNone() throws {
        let noMemory = try Self.tree(["cgroup.controllers": "cpu pids", "srv/cgroup.controllers": "cpu pids", "srv/cgroup.subtree_control": ""])
        defer { try? FileManager.default.removeItem(at: noMemory) }
        #expect(RunControlGroups.detect(root: noMemory, membership: "0::/srv\n", pid: 1) == nil)
        #expect(RunControlGroups.detect(root: noMemory, membership: nil, pid: 1) == nil)
        let v1WithoutPids = try Self.tree(["memory/a/memory.limit_in_bytes": "", "cpu/cpu.shares": ""])
        defer { try? FileManager.default.removeItem(at: v1WithoutPids) }
        #expect(RunControlGroups.detect(root: v1WithoutPids, membership: "4:memory:/a\n1:cpu,cpuacct:/\n", pid: 1) == nil)
    }

    @Test func onCgroupV1EachHierarchyGetsTheRunsGroup() throws {
        let root = try Self.tree(["memory/a/memory.limit_in_bytes": "", "pids/pids.max": "", "cpu/cpu.shares": "",
                                  "memory/a/run/memory.limit_in_bytes": "", "memory/a/run/memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
                                  "pids/run/pids.max": "", "pids/run/pids.events": "max 0\n", "cpu/run/cpu.shares": ""])
        defer { try? FileManager.default.removeItem(at: root) }
        let groups = try #require(RunControlGroups.detect(root: root, membership: "8:pids:/\n4:memory:/a\n1:cpu,cpuacct:/\n", pid: 1))
        #expect(groups.version == .v1)
        let group = try groups.make("run", limits: RunLimits())
        #expect(group.folders.count == 3)
        #expect(Self.read(root, "memory/a/run/memory.limit_in_bytes") == "\(4 << 30)")
        #expect(Self.read(root, "pids/run/pids.max") == "2048")
        #expect(Self.read(root, "cpu/run/cpu.shares") == "\(1024 * RunControlGroups.processors)")
        #expect(group.exceededLimit() == nil)
        try Data("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n".utf8).write(to: root.appendingPathComponent("memory/a/run/memory.oom_control"))
        #expect(group.exceededLimit() == "memory (4 GiB)")
    }
}
