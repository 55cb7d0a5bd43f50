import Foundation

/// What one run phase may use (`airlock serve --run-memory ... --run-processes ... --run-tmp ... --run-disk ...
/// --run-open-files ...`; the wall time is `--run-timeout`). A phase past a limit is stopped and its run errored with
/// a message that names the limit; the server and other runs go on. The defaults fit a normal Terraform run.
public struct RunLimits: Sendable, Equatable {
    /// Memory of all the phase's processes together (a control group; where the server may make none, not limited).
    public var memoryBytes = 4 << 30
    /// Processes and threads of the phase at once (a control group, as memory).
    public var processes = 2048
    /// The size of the phase's private `/tmp` (memory).
    public var tmpBytes = 1 << 30
    /// What the phase's folder (configuration, `.terraform`, home) may hold on disk; also the largest file it may write.
    public var diskBytes = 8 << 30
    /// Open files per process.
    public var openFiles = 4096

    public init() {}

    /// `bytes` for people: `512 MiB`, `4 GiB`.
    public static func describe(_ bytes: Int) -> String {
        bytes >= 1 << 30 && bytes % (1 << 30) == 0 ? "\(bytes >> 30) GiB"
            : bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}
