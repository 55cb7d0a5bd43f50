import Fluent
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run phase's own folder under the server's work root (never inside the data folder), holding only
/// what the phase needs: `config/`, Terraform's working folder (the configuration extracted safely, the
/// override that points its state at this server's http backend, a plan's saved plan), `home/`, Terraform's
/// home, `sealed/`, what the server hands Terraform read-only (its CLI configuration, an apply's plan), and
/// the sandbox's `/etc/passwd` and `/etc/group`. A sandboxed run sees `config/` and `home/` read-write,
/// `sealed/` read-only and nothing else of it.
///
/// Every phase gets a fresh one, removed when the phase ends: nothing a plan's code wrote (a start-up hook
/// in `HOME`, a CLI configuration, a changed `.terraform`) reaches its apply, which gets only the sealed
/// plan, checked by hash and placed where nothing in the sandbox can replace it.
struct RunWorkspace {
    static let overrideFile = "airlock_backend_override.tf"
    static let planFile = "airlock.tfplan"
    /// The phase's folder (0700).
    let root: URL
    /// The `.terraform` an earlier `init` left (`InitializedFolderCache`), which the sandbox shows read-only in place of the
    /// working folder's own; nil while the phase uses its own.
    var initialized: URL?

    /// Terraform's working folder.
    var folder: URL { root.appendingPathComponent("config") }
    /// Terraform's `HOME`.
    var home: URL { root.appendingPathComponent("home") }
    /// What the server hands Terraform read-only.
    var serverFiles: URL { root.appendingPathComponent("sealed") }
    var passwd: URL { root.appendingPathComponent("passwd") }
    var group: URL { root.appendingPathComponent("group") }
    /// The plan a plan phase's Terraform saves, in its working folder.
    var plan: URL { folder.appendingPathComponent(Self.planFile) }
    /// The approved plan an apply executes, read-only for the sandbox.
    var approvedPlan: URL { serverFiles.appendingPathComponent(Self.planFile) }
    /// Terraform's CLI configuration (`TF_CLI_CONFIG_FILE`) unless the operator names one: empty, read-only.
    var cliConfiguration: URL { serverFiles.appendingPathComponent("terraformrc") }

    /// - Parameter backendAddress: the environment's state URL on this server. The phase's credential for it is
    ///   not written here: Terraform keeps the backend block in the saved plan (`TerraformPhaseEnvironment`).
    static func prepare(root workRoot: URL, runID: UUID, phase: RunPhase, archive: Data, backendAddress: String) throws -> RunWorkspace {
        let workspace = try make(at: workRoot.appendingPathComponent("\(runID.uuidString.lowercased())-\(phase.rawValue)"))
        try ConfigurationArchive.extract(archive, into: workspace.folder)
        let override = """
            # Written by Airlock: the environment's state lives on the Airlock server.
            terraform {
              backend "http" {
                address        = "\(backendAddress)"
                lock_address   = "\(backendAddress)/lock"
                unlock_address = "\(backendAddress)/lock"
              }
            }

            """
        try writeNew(Data(override.utf8), to: workspace.folder.appendingPathComponent(overrideFile))
        try writeNew(Data(), to: workspace.cliConfiguration)
        return workspace
    }

    /// An empty workspace for checking the sandbox.
    static func scratch(in workRoot: URL, purpose: String = "check") throws -> RunWorkspace {
        try make(at: workRoot.appendingPathComponent("\(purpose)-\(UUID().uuidString.lowercased())"))
    }

    private static func make(at root: URL) throws -> RunWorkspace {
        let files = FileManager.default
        try? files.removeItem(at: root)
        try files.createDirectory(at: root, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let workspace = RunWorkspace(root: root, initialized: nil)
        try files.createDirectory(at: workspace.folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try files.createDirectory(at: workspace.home, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try files.createDirectory(at: workspace.serverFiles, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let (user, group) = (getuid(), getgid())
        try Data("airlock:x:\(user):\(group):Airlock run:\(workspace.home.path):/bin/sh\n".utf8).write(to: workspace.passwd)
        try Data("airlock:x:\(group):\n".utf8).write(to: workspace.group)
        return workspace
    }

    /// The saved plan, read without following a link the run may have put in its place.
    func readPlan() throws -> Data {
        // Every process of the phase has ended (its sandbox with it), so nothing swaps the file meanwhile;
        // O_NOFOLLOW and O_NONBLOCK hold even so (a FIFO must not hang the worker).
        let attributes = try? FileManager.default.attributesOfItem(atPath: plan.path)
        guard attributes?[.type] as? FileAttributeType == .typeRegular else { throw RunWorkspaceError.planUnreadable("not a regular file") }
        let descriptor = open(plan.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw RunWorkspaceError.planUnreadable(String(cString: strerror(errno))) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        return try handle.readToEnd() ?? Data()
    }

    /// Writes the approved plan for an apply where the sandbox can read it and nothing in it can write
    /// (`sealed/`, shown read-only), before any of the apply's processes start.
    func writeApprovedPlan(_ data: Data) throws {
        try Self.writeNew(data, to: approvedPlan)
    }

    /// Writes a file the sandbox reads and cannot change (`sealed/`), such as a policy check's input; its path.
    func writeServerFile(_ data: Data, named name: String) throws -> URL {
        let file = serverFiles.appendingPathComponent(name)
        try Self.writeNew(data, to: file)
        return file
    }

    /// Creates `file`; never writes through an existing file or link.
    private static func writeNew(_ data: Data, to file: URL) throws {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw RunWorkspaceError.unwritable(file.lastPathComponent, String(cString: strerror(errno))) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: data)
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    /// How long a scratch folder may stay before a sweep takes it as left behind: longer than any use of one.
    static let scratchLifetime: TimeInterval = 6 * 60 * 60

    /// Removes the folders of runs that are over (or gone), which a server that died mid-phase left: a
    /// folder is kept while its run may still execute here, and no longer.
    static func sweep(root workRoot: URL, database: any Database) async throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: workRoot.path)) ?? []
        for name in names {
            // A scratch folder (a policy check's input, a sandbox check) outlives its use only if the server died meanwhile.
            if name.hasPrefix("policy-") || name.hasPrefix("check-") {
                let folder = workRoot.appendingPathComponent(name)
                let modified = (try? FileManager.default.attributesOfItem(atPath: folder.path)[.modificationDate] as? Date) ?? Date()
                if Date().timeIntervalSince(modified) > scratchLifetime { try? FileManager.default.removeItem(at: folder) }
                continue
            }
            guard let dash = name.lastIndex(of: "-"), let runID = UUID(uuidString: String(name[..<dash])) else { continue }
            let run = try await Run.query(on: database).filter(\.$id == runID).field(\.$id).field(\.$state).first()
            if let run, !run.state.isFinal { continue }
            try? FileManager.default.removeItem(at: workRoot.appendingPathComponent(name))
        }
    }
}

/// A working folder that could not be used.
enum RunWorkspaceError: Error, CustomStringConvertible {
    case planUnreadable(String)
    case unwritable(String, String)

    var description: String {
        switch self {
        case let .planUnreadable(reason): "The saved plan could not be read (\(reason))."
        case let .unwritable(name, reason): "\(name) could not be written in the run's folder (\(reason))."
        }
    }
}
