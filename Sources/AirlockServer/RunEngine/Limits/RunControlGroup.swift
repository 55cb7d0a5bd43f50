import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run phase's own control groups, which limit the memory and processes of everything it starts and give it an
/// equal share of the CPUs beside other runs: cgroup v1's `memory`, `pids` and `cpu` hierarchies (below the server's
/// own group in each). `RunControlGroups` says where the server may make them.
final class RunControlGroup: Sendable {
    /// The phase's group in each hierarchy.
    let folders: [URL]
    private let limits: RunLimits

    init(folders: [URL], limits: RunLimits) {
        self.folders = folders
        self.limits = limits
    }

    /// The `cgroup.procs` files a process writes its pid to, to join every hierarchy.
    var membershipFiles: [String] { folders.map { $0.appendingPathComponent("cgroup.procs").path } }

    /// The limit the phase went past, if it did: the kernel's own counts (an out-of-memory kill, a refused fork).
    func exceededLimit() -> String? {
        for folder in folders {
            if let oom = Self.counter("oom_kill", in: folder.appendingPathComponent("memory.oom_control")), oom > 0 {
                return "memory (\(RunLimits.describe(limits.memoryBytes)))"
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

/// Where this server makes its runs' control groups: the cgroup v1 `memory`, `pids` and `cpu` hierarchies mounted
/// under `/sys/fs/cgroup`, below the server's own group, when it may write there (as root). Nil elsewhere (cgroup
/// v2, a container without them): runs then have no memory or process limit of their own, and the server says so.
struct RunControlGroups: Sendable {
    /// The server's own group in each hierarchy, by controller.
    let parents: [String: URL]

    static let controllers = ["memory", "pids", "cpu"]

    /// The line written at start when runs get no control groups here.
    static let unavailableWarning = "WARNING: runs have no memory or process limit of their own on this machine (Airlock uses the cgroup v1 memory, pids and cpu hierarchies under /sys/fs/cgroup as root; cgroup v2 is not supported yet): put airlock serve in a cgroup or systemd slice of its own. Their /tmp, disk, open files and time are limited all the same."

    /// The hierarchies this server may use, or nil.
    static func detect(root: URL = URL(fileURLWithPath: "/sys/fs/cgroup")) -> RunControlGroups? {
        guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return nil }
        var parents: [String: URL] = [:]
        for line in membership.split(separator: "\n") {
            // "4:memory:/some/path"
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            for controller in fields[1].split(separator: ",").map(String.init) where controls.contains(controller) {
                parents[controller] = root.appendingPathComponent(controller).appendingPathComponent(String(fields[2]))
            }
        }
        guard Set(parents.keys) == Set(controllers), parents.values.allSatisfy({ access($0.path, W_OK) == 0 }) else { return nil }
        return RunControlGroups(parents: parents)
    }

    private static let controls = Set(controllers)

    /// Makes the phase's groups, named `name`, with its limits.
    func make(_ name: String, limits: RunLimits) throws -> RunControlGroup {
        var folders: [URL] = []
        do {
            for controller in Self.controllers {
                guard let parent = parents[controller] else { continue }
                let folder = parent.appendingPathComponent(name)
                if mkdir(folder.path, 0o755) != 0, errno != EEXIST { throw RunLimitError.controlGroup(folder.path, errno) }
                folders.append(folder)
                switch controller {
                case "memory":
                    try write("\(limits.memoryBytes)", to: folder.appendingPathComponent("memory.limit_in_bytes"))
                    // Without swap accounting this file is absent; with it, swap counts towards the limit too.
                    try? write("\(limits.memoryBytes)", to: folder.appendingPathComponent("memory.memsw.limit_in_bytes"))
                case "pids": try write("\(limits.processes)", to: folder.appendingPathComponent("pids.max"))
                default: break  // cpu: the default weight, the same for every run
                }
            }
        } catch {
            RunControlGroup(folders: folders, limits: limits).remove()
            throw error
        }
        return RunControlGroup(folders: folders, limits: limits)
    }

    private func write(_ value: String, to file: URL) throws {
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
