import AirlockAWS
import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one thread that starts Terraform's processes, for the whole life of the server.
///
/// A sandbox started with `--die-with-parent` is killed when the *thread* that started it exits (Linux's
/// parent-death signal follows the thread, not the process), and the threads of Swift's and Dispatch's
/// pools come and go. Starting every run's process here, on a thread that never ends, means a sandbox dies
/// exactly when the server does.
final class LauncherThread: Sendable {
    static let shared = LauncherThread()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let ready = DispatchSemaphore(value: 0)

    private init() {
        Thread.detachNewThread { [self] in
            while true {
                ready.wait()
                let job = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                job?()
            }
        }
    }

    /// Runs `body` on the launcher thread and returns its result; the caller blocks only for as long as
    /// `body` takes (a `posix_spawn`).
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let outcome = Outcome<T>()
        jobs.withLock { $0.append { outcome.set(Result(catching: body)) } }
        ready.signal()
        return try outcome.wait()
    }

    /// The server's own network namespace, which the launcher thread returns to after each job in a run's.
    private let serverNetwork = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)

    /// Runs `body` on the launcher thread inside the network namespace `namespace` (a descriptor): what it spawns
    /// starts there. The thread then returns to the server's namespace.
    func run<T: Sendable>(inNetwork namespace: Int32, _ body: @escaping @Sendable () throws -> T) throws -> T {
        try run { [self] in
            guard NetworkNamespaceCalls.enter(namespace) == 0 else { throw RunNetworkError.socket("setns", errno) }
            defer { returnToServerNetwork() }
            return try body()
        }
    }

    /// Runs `body` on the launcher thread inside a new network namespace, which it receives as a descriptor (its
    /// sockets are made there), then returns the thread to the server's namespace.
    func runInNewNetwork<T: Sendable>(_ body: @escaping @Sendable (Int32) throws -> T) throws -> T {
        try run { [self] in
            guard NetworkNamespaceCalls.enterNew() == 0 else { throw RunNetworkError.namespaceRefused(errno) }
            defer { returnToServerNetwork() }
            let namespace = NetworkNamespaceCalls.current()
            guard namespace >= 0 else { throw RunNetworkError.socket("open the network namespace", errno) }
            do {
                return try body(namespace)
            } catch {
                Glibc.close(namespace)
                throw error
            }
        }
    }

    /// Back to the server's namespace. The launcher thread starts every run's processes: left in one run's
    /// namespace, it would start the next run's there. The kernel does not refuse this way back to a process that
    /// just left it; should it ever, the server stops rather than run on with runs in the wrong network.
    private func returnToServerNetwork() {
        precondition(NetworkNamespaceCalls.enter(serverNetwork) == 0, "The run launcher could not return to the server's network namespace.")
    }

    /// One job's result, handed from the launcher thread to the caller.
    private final class Outcome<T: Sendable>: Sendable {
        private let result = Mutex<Result<T, any Error>?>(nil)
        private let done = DispatchSemaphore(value: 0)

        func set(_ value: Result<T, any Error>) {
            result.withLock { $0 = value }
            done.signal()
        }

        func wait() throws -> T {
            done.wait()
            guard let value = result.withLock({ $0 }) else { throw SpawnError("The launcher thread gave no result.") }
            return try value.get()
        }
    }
}
