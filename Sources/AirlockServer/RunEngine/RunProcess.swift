import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A run's Terraform process: the spawned process (Terraform itself, or the sandbox around it) and, inside
/// a sandbox, Terraform's own pid as the sandbox reports it, so that an interrupt reaches Terraform.
final class RunProcess: Sendable {
    let spawned: SpawnedProcess
    private let innerPID: Mutex<pid_t?>
    private let launched = ContinuousClock.now
    /// How long the sandbox took to start Terraform (nil without a sandbox, or before it reported).
    private let startup = Mutex<Duration?>(nil)

    init(spawned: SpawnedProcess, inner: pid_t?) {
        self.spawned = spawned
        self.innerPID = Mutex(inner)
    }

    /// How long the sandbox took to start Terraform, once it has.
    var sandboxStartup: Duration? { startup.withLock { $0 } }

    var output: AsyncStream<Data> { spawned.output }

    /// Records Terraform's pid once the sandbox has started it.
    func started(inner pid: pid_t) {
        innerPID.withLock { $0 = pid }
        let elapsed = ContinuousClock.now - launched
        startup.withLock { $0 = $0 ?? elapsed }
    }

    /// The exit status (128 + signal number when killed by a signal).
    func waitForExit() async -> Int32 {
        await spawned.waitForExit()
    }

    /// SIGINT to Terraform itself: it stops gracefully, saving what it has. (Before a sandbox reports
    /// Terraform's pid, the sandbox gets it, which ends the sandbox and everything in it.)
    func interrupt() {
        kill(innerPID.withLock { $0 } ?? spawned.pid, SIGINT)
    }

    /// SIGKILL to everything the phase started: the process group, which holds the sandbox and every
    /// process in it (they die with the sandbox in any case).
    func killAll() {
        spawned.killGroup()
    }
}
