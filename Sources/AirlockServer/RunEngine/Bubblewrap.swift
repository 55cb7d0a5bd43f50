import AirlockAWS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The bubblewrap (`bwrap`) sandbox a run's Terraform executes in: new user, PID, IPC, UTS and cgroup
/// namespaces; a root of its own holding the system's programs and libraries read-only, Terraform and the
/// files the server's environment names for it read-only, a fresh `/proc` and `/dev`, a private `/tmp`,
/// the phase's working and home folders read-write and the files the server hands Terraform (its CLI
/// configuration, an apply's approved plan) read-only. Its network is the phase's own (`RunNetwork`), which the
/// launch enters before bwrap starts. Everything in it dies when
/// Terraform exits (it is the namespace's first process) and when the server dies (`--die-with-parent`).
public struct Bubblewrap: Sendable {
    /// The `bwrap` executable.
    public let executable: String
    /// Host paths every run may read, at the same place, that the operator named.
    public let readOnlyPaths: [String]
    /// Host paths every run may read if they exist: Terraform, its plugin cache and CLI config, a CA bundle, the policy engine.
    let terraformPaths: [String]
    /// The size of a phase's private `/tmp`.
    public var tmpBytes = RunLimits().tmpBytes

    /// Folders of the system's programs and libraries, shown read-only where they exist.
    static let systemFolders = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]
    /// What of `/etc` programs need to resolve names, trust certificates, find libraries and tell time;
    /// the rest of `/etc` (the server's configuration) stays out.
    static let systemConfiguration = [
        "/etc/alternatives", "/etc/ca-certificates", "/etc/crypto-policies", "/etc/gai.conf", "/etc/host.conf", "/etc/hosts",
        "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/mime.types", "/etc/nsswitch.conf",
        "/etc/os-release", "/etc/pki", "/etc/protocols", "/etc/resolv.conf", "/etc/services", "/etc/ssl", "/etc/timezone",
    ]
    /// Variables of the server's environment that name files Terraform reads.
    static let pathVariables = ["TF_PLUGIN_CACHE_DIR", "TF_CLI_CONFIG_FILE", "SSL_CERT_FILE", "SSL_CERT_DIR"]

    /// - Parameters:
    ///   - terraform: the Terraform executable runs start.
    ///   - serverEnvironment: what the server passes through to Terraform; the files it names are shown
    ///     read-only. (Never a run's own variables: a run must not choose what it may read.)
    ///   - readOnlyPaths: further paths the operator lets runs read.
    ///   - policyEngine: the program policy checks run (`PolicyEngine`), shown read-only like Terraform.
    public init(executable: String, terraform: String, serverEnvironment: [String: String], readOnlyPaths: [String], policyEngine: String? = nil) {
        self.executable = executable
        let named = Self.pathVariables.compactMap { serverEnvironment[$0] }
        self.terraformPaths = ([terraform] + named + [policyEngine].compactMap { $0 }).filter { $0.hasPrefix("/") }
        self.readOnlyPaths = readOnlyPaths
    }

    /// `bwrap` found on `PATH`, or nil.
    public static func find(path: String?) -> String? {
        RunEngineSettings.findExecutable("bwrap", path: path)
    }

    /// Checks that the sandbox works on this machine by running a command in it; throws, saying what to
    /// do, when it does not.
    public func verify(scratch root: URL) async throws {
        let workspace = try RunWorkspace.scratch(in: root)
        defer { workspace.remove() }
        for path in readOnlyPaths where !path.hasPrefix("/") || !FileManager.default.fileExists(atPath: path) {
            throw RunSandboxError.missingPath(path)
        }
        let process: RunProcess
        do {
            process = try launch("/bin/sh", arguments: ["-c", "test -w . && test -d /proc/1"],
                                 environment: ["PATH": "/usr/bin:/bin"], workspace: workspace)
        } catch {
            throw RunSandboxError.unusable(executable: executable, output: "\(error)")
        }
        var output = Data()
        for await data in process.output { output.append(data) }
        let status = await process.waitForExit()
        guard status == 0 else {
            throw RunSandboxError.unusable(executable: executable, output: String(decoding: output, as: UTF8.self))
        }
    }

    /// Starts `executable` in a new sandbox showing `workspace`.
    /// `offline`: with no network at all (a policy engine), instead of the phase's.
    func launch(_ program: String, arguments: [String], environment: [String: String], workspace: RunWorkspace,
                network: RunNetworkNamespace? = nil, offline: Bool = false, prefix: [String] = []) throws -> RunProcess {
        let options = try sandboxOptions(environment: environment, workspace: workspace) + (offline ? ["--unshare-net"] : [])
        let argumentFile = try ArgumentFile(options)
        defer { argumentFile.close() }
        let info = try ChildPipe()
        let spawned: SpawnedProcess
        do {
            // The options (with the run's variables) come through descriptor 3, so they never show in
            // the server's process list; bwrap reports Terraform's pid on descriptor 4.
            let command = prefix + [executable, "--args", "3", "--info-fd", "4", "--", program] + arguments
            spawned = try SpawnedProcess(executable: command[0], arguments: Array(command.dropFirst()),
                                         environment: [:], directory: workspace.folder, passing: [argumentFile.descriptor, info.writeEnd],
                                         network: network)
        } catch {
            info.closeBoth()
            throw error
        }
        Glibc.close(info.writeEnd)
        let process = RunProcess(spawned: spawned, inner: nil)
        let readEnd = info.readEnd
        Thread.detachNewThread {
            var report = Data()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(readEnd, &buffer, buffer.count)
                if count > 0 { report.append(contentsOf: buffer[0..<count]) } else if count < 0, errno == EINTR { continue } else { break }
                if let pid = Self.childPID(in: report) { process.started(inner: pid) }
            }
            Glibc.close(readEnd)
        }
        return process
    }

    /// bwrap's options for one phase, in order: later mounts go on top of earlier ones.
    func sandboxOptions(environment: [String: String], workspace: RunWorkspace) throws -> [String] {
        // --cap-drop ALL: bwrap started by root keeps every capability inside the sandbox by default, with which a
        // run could remount its read-only views of the host writable.
        var options = ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                       "--disable-userns", "--cap-drop", "ALL", "--die-with-parent", "--as-pid-1", "--hostname", "airlock-run", "--clearenv"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) {
            guard !key.isEmpty, !key.contains("="), !key.contains("\0"), !value.contains("\0") else {
                throw RunSandboxError.unusableVariable(key.replacingOccurrences(of: "\0", with: "\\0"))
            }
            options += ["--setenv", key, value]
        }
        for folder in Self.systemFolders {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder) {
                options += ["--symlink", target, folder]
            } else if FileManager.default.fileExists(atPath: folder) {
                options += ["--ro-bind", folder, folder]
            }
        }
        options += ["--proc", "/proc", "--dev", "/dev", "--size", String(tmpBytes), "--tmpfs", "/tmp"]
        for file in Self.systemConfiguration { options += ["--ro-bind-try", file, file] }
        options += ["--ro-bind", workspace.passwd.path, "/etc/passwd", "--ro-bind", workspace.group.path, "/etc/group"]
        for path in terraformPaths { options += ["--ro-bind-try", path, path] }
        for path in readOnlyPaths { options += ["--ro-bind", path, path] }
        options += ["--bind", workspace.folder.path, workspace.folder.path, "--bind", workspace.home.path, workspace.home.path,
                    "--ro-bind", workspace.serverFiles.path, workspace.serverFiles.path]
        // What `init` left, kept by the server (`InitializedFolderCache`): read-only in every phase that uses it.
        if let initialized = workspace.initialized {
            options += ["--ro-bind", initialized.path, workspace.folder.appendingPathComponent(".terraform").path]
        }
        options += ["--chdir", workspace.folder.path]
        return options
    }

    /// The `child-pid` of bwrap's `--info-fd` report, once it is complete.
    static func childPID(in report: Data) -> pid_t? {
        guard let object = try? JSONSerialization.jsonObject(with: report) as? [String: Any],
              let pid = object["child-pid"] as? Int, pid > 0, pid <= Int(Int32.max) else { return nil }
        return pid_t(pid)
    }
}
