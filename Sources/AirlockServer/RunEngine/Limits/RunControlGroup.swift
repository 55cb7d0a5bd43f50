import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run phase's own control groups, which limit the memory and processes of everything it starts and give it an
/// equal share of the CPUs beside other runs. `RunControlGroups` says where the server may make them.
final class RunControlGroup: Sendable {
    /// The phase's group: one in cgroup v2, one per hierarchy (memory, pids, cpu) in cgroup v1.
    let folders: [URL]
    private let limits: RunLimits

    init(folders: [URL], limits: RunLimits) {
        self.folders = folders
        self.limits = limits
    }

    /// The `cgroup.procs` files a process writes its pid to, to join the group.
    var membershipFiles: [String] { folders.map { $0.appendingPathComponent("cgroup.procs").path } }

    /// The limit the phase went past, if it did: the kernel's own counts of an out-of-memory kill (v1's
    /// `memory.oom_control`, v2's `memory.events`) or a refused fork (`pids.events`).
    func exceededLimit() -> String? {
        for folder in folders {
            for file in ["memory.oom_control", "memory.events"] {
                if let kills = Self.counter("oom_kill", in: folder.appendingPathComponent(file)), kills > 0 {
                    return "memory (\(RunLimits.describe(limits.memoryBytes)))"
                }
            }
            if let refused = Self.counter("max", in: folder.appendingPathComponent("pids.events")), refused > 0 {
                return "processes (\(limits.processes) at once)"
            }
        }
        return nil
    }

    /// Removes the groups once their processes are gone (the kernel takes a moment to let a killed group go).
    func remove() {
        for folder in folders {
            for _ in 0..<50 {
                if rmdir(folder.path) == 0 || errno == ENOENT { break }
                usleep(20_000)
            }
        }
    }

    /// The number after `name` on its line of a `key value` file.
    private static func counter(_ name: String, in file: URL) -> Int? {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == name { return Int(parts[1]) }
        }
        return nil
    }
}

/// Where this server makes its runs' control groups, below its own group:
/// - cgroup v2 (`/sys/fs/cgroup/cgroup.controllers` exists): the server moves itself into a leaf of its own group
///   (`airlock-server`; v2 lets only a group without processes of its own share out memory and pids), enables the
///   `memory`, `pids` and `cpu` controllers for its group's children, and makes each phase's group beside that leaf.
///   Under systemd, give the service `Delegate=yes`.
/// - cgroup v1: the `memory`, `pids` and `cpu` hierarchies under `/sys/fs/cgroup`.
/// Nil where the server may not write there (not root, a container without them): runs then have no memory or
/// process limit of their own, and the server says so at start.
struct RunControlGroups: Sendable {
    enum Version: Sendable { case v1, v2 }

    let version: Version
    /// The server's own group: by controller in v1, under "unified" in v2.
    let parents: [String: URL]

    static let controllers = ["memory", "pids", "cpu"]
    /// The leaf of its own group the server moves into on cgroup v2.
    static let serverLeaf = "airlock-server"
    /// Every run's CPU weight is that of one busy process per processor (the kernel weighs a group as one task): the
    /// same for every run, so runs share the processors evenly however many processes each starts, and a run is not
    /// starved beside the machine's other busy processes.
    static let processors = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The line written at start when runs get no control groups here.
    static let unavailableWarning = "WARNING: runs have no memory or process limit of their own on this machine (Airlock makes each run phase a control group below its own, which needs root and cgroup v2's memory and pids controllers, or v1's memory, pids and cpu hierarchies): put airlock serve in a cgroup or systemd slice of its own. Their /tmp, disk, open files and time are limited all the same."

    /// The hierarchies this server may use (setting up v2's as it goes), or nil.
    /// - Parameters:
    ///   - membership: `/proc/self/cgroup`'s text.
    ///   - pid: the server's process, which v2 moves into its leaf.
    static func detect(root: URL = URL(fileURLWithPath: "/sys/fs/cgroup"),
                       membership: String? = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
                       pid: Int32 = getpid()) -> RunControlGroups? {
        guard let membership else { return nil }
        let lines = membership.split(separator: "\n").map { $0.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false) }
        if FileManager.default.fileExists(atPath: root.appendingPathComponent("cgroup.controllers").path) {
            guard let path = lines.first(where: { $0.count == 3 && $0[0] == "0" })?[2] else { return nil }
            return unified(root.appendingPathComponent(String(path)), pid: pid)
        }
        var parents: [String: URL] = [:]
        for fields in lines where fields.count == 3 {
            // "4:memory:/some/path"
            for controller in fields[1].split(separator: ",").map(String.init) where controllers.contains(controller) {
                parents[controller] = root.appendingPathComponent(controller).appendingPathComponent(String(fields[2]))
            }
        }
        guard Set(parents.keys) == Set(controllers), parents.values.allSatisfy({ access($0.path, W_OK) == 0 }) else { return nil }
        return RunControlGroups(version: .v1, parents: parents)
    }

    /// cgroup v2: the server into its leaf, the controllers on for its group's children.
    private static func unified(_ group: URL, pid: Int32) -> RunControlGroups? {
        guard let available = try? String(contentsOf: group.appendingPathComponent("cgroup.controllers"), encoding: .utf8) else { return nil }
        let offered = Set(available.split(whereSeparator: \.isWhitespace).map(String.init))
        guard offered.contains("memory"), offered.contains("pids"), access(group.path, W_OK) == 0 else { return nil }
        let leaf = group.appendingPathComponent(serverLeaf)
        guard mkdir(leaf.path, 0o755) == 0 || errno == EEXIST,
              (try? write("\(pid)", to: leaf.appendingPathComponent("cgroup.procs"))) != nil,
              (try? write(controllers.filter(offered.contains).map { "+" + $0 }.joined(separator: " "),
                          to: group.appendingPathComponent("cgroup.subtree_control"))) != nil else { return nil }
        return RunControlGroups(version: .v2, parents: ["unified": group])
    }

    /// Makes the phase's groups, named `name`, with its limits.
    func make(_ name: String, limits: RunLimits) throws -> RunControlGroup {
        var folders: [URL] = []
        do {
            switch version {
            case .v2:
                guard let parent = parents["unified"] else { break }
                let folder = try Self.makeFolder(parent.appendingPathComponent(name))
                folders.append(folder)
                try Self.write("\(limits.memoryBytes)", to: folder.appendingPathComponent("memory.max"))
                // Swap counts too where there is any (the file is absent without swap accounting).
                try? Self.write("0", to: folder.appendingPathComponent("memory.swap.max"))
                try Self.write("\(limits.processes)", to: folder.appendingPathComponent("pids.max"))
                try? Self.write("\(min(10_000, 100 * Self.processors))", to: folder.appendingPathComponent("cpu.weight"))
            case .v1:
                for controller in Self.controllers {
                    guard let parent = parents[controller] else { continue }
                    let folder = try Self.makeFolder(parent.appendingPathComponent(name))
                    folders.append(folder)
                    switch controller {
                    case "memory":
                        try Self.write("\(limits.memoryBytes)", to: folder.appendingPathComponent("memory.limit_in_bytes"))
                        try? Self.write("\(limits.memoryBytes)", to: folder.appendingPathComponent("memory.memsw.limit_in_bytes"))
                    case "pids": try Self.write("\(limits.processes)", to: folder.appendingPathComponent("pids.max"))
                    default: try Self.write("\(1024 * Self.processors)", to: folder.appendingPathComponent("cpu.shares"))
                    }
                }
            }
        } catch {
            RunControlGroup(folders: folders, limits: limits).remove()
            throw error
        }
        return RunControlGroup(folders: folders, limits: limits)
    }

    private static func makeFolder(_ folder: URL) throws -> URL {
        if mkdir(folder.path, 0o755) != 0, errno != EEXIST { throw RunLimitError.controlGroup(folder.path, errno) }
        return folder
    }

    private static func write(_ value: String, to file: URL) throws {
        let descriptor = open(file.path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw RunLimitError.controlGroup(file.path, errno) }
        defer { close(descriptor) }
        let written = value.withCString { Glibc.write(descriptor, $0, strlen($0)) }
        guard written >= 0 else { throw RunLimitError.controlGroup(file.path, errno) }
    }
}

/// A limit that could not be set up.
enum RunLimitError: Error, CustomStringConvertible {
    case controlGroup(String, Int32)
    case prlimitMissing

    var description: String {
        switch self {
        case .prlimitMissing: "\(RunPhaseLimits.prlimit) is missing: runs' limits need it (Debian's util-linux)."
        case let .controlGroup(path, code): "The run's control group could not be set up (\(path): \(String(cString: strerror(code))))."
        }
    }
}
