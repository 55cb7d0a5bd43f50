import AirlockAWS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process for long-running work (Terraform, or the sandbox around it): in its own session (so
/// its own process group, and no controlling terminal), standard input from /dev/null, standard output and
/// error merged into one pipe, and no other descriptor of the server than those it is given (`PosixSpawn`
/// says what else it gets). It is started on the `LauncherThread`. Output arrives on `output`; blocking
/// reads and the wait happen on their own threads, never on Swift concurrency's.
final class SpawnedProcess: Sendable {
    let pid: pid_t
    /// The merged output, in the order written; finishes when every writer has closed it.
    let output: AsyncStream<Data>
    private let exit: AsyncStream<Int32>

    /// - Parameters:
    ///   - descriptors: the server's descriptors the child gets, as 3, 4, ... in this order.
    ///   - network: the run's network namespace to start it in; nil for the server's.
    init(executable: String, arguments: [String], environment: [String: String], directory: URL, passing descriptors: [Int32] = [],
         network: RunNetworkNamespace? = nil) throws(SpawnError) {
        let pipe = try ChildPipe()
        do {
            pid = try PosixSpawn.start(
                executable, arguments, environment: environment,
                descriptors: [.nullDevice, .descriptor(pipe.writeEnd), .descriptor(pipe.writeEnd)] + descriptors.map { .descriptor($0) },
                directory: directory.path, newSession: true, launcher: network?.launcher ?? { try LauncherThread.shared.run($0) }
            )
        } catch {
            pipe.closeBoth()
            throw error
        }
        close(pipe.writeEnd)
        output = ChildPipe.chunks(from: pipe.readEnd)
        exit = ChildExit.watch(pid)
    }

    /// The exit status (128 + signal number when killed by a signal).
    func waitForExit() async -> Int32 {
        for await code in exit { return code }
        return -1
    }

    /// SIGKILL to the whole process group, so nothing it started lingers (or holds the output open).
    func killGroup() {
        kill(-pid, SIGKILL)
    }
}
