import AirlockAWS
import Dispatch
import Foundation
import Synchronization

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
