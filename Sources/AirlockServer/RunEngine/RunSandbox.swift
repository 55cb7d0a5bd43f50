import Foundation

/// Where a run's Terraform, and everything it starts, executes.
public enum RunSandbox: Sendable {
    /// In a bubblewrap sandbox (the default): the run sees its own working folder, Terraform, the system's
    /// programs and libraries and a private `/tmp`, and nothing else of the server.
    case bubblewrap(Bubblewrap)
    /// Straight as the server's own user, with the server's view of the machine: the operator's explicit
    /// choice (`--unsandboxed-runs`), announced at start and in every run's log.
    case unsandboxed

    /// The line written at start and into every run's log when runs are not isolated.
    public static let unsandboxedWarning = "WARNING: runs are not sandboxed (--unsandboxed-runs): a configuration can read this server's files, including its secret key and database, and every organization's secrets with them. Use this only on a server whose every user you trust with all of its data."

    /// Starts `executable` for a run phase whose own folders are `workspace`, in the phase's network namespace
    /// (nil: the server's network).
    /// `prefix` is the command it is started through (`RunPhaseLimits.launchPrefix`). `offline`: sandboxed without any network
    /// (unsandboxed, the operator chose the server's view of everything).
    func launch(_ executable: String, arguments: [String], environment: [String: String], workspace: RunWorkspace,
                network: RunNetworkNamespace?, offline: Bool = false, prefix: [String]) throws -> RunProcess {
        switch self {
        case let .bubblewrap(bubblewrap):
            return try bubblewrap.launch(executable, arguments: arguments, environment: environment, workspace: workspace, network: network,
                                         offline: offline, prefix: prefix)
        case .unsandboxed:
            let command = prefix + [executable] + arguments
            return RunProcess(spawned: try SpawnedProcess(executable: command[0], arguments: Array(command.dropFirst()), environment: environment,
                                                          directory: workspace.folder, network: network), inner: nil)
        }
    }
}
