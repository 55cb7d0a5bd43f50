import Foundation
import Synchronization

/// Waits on a plain thread (never one of Swift concurrency's) for async work: how threads that block on sockets (a
/// run's network, `airlock exec --server`) ask an actor for something.
public enum BlockingAwait {
    public static func result<T: Sendable, Failure: Error>(_ work: @escaping @Sendable () async throws(Failure) -> T) -> Result<T, Failure> {
        let outcome = Outcome<T, Failure>()
        Task {
            let result: Result<T, Failure>
            do throws(Failure) {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            outcome.finish(result)
        }
        return outcome.wait()
    }

    /// The result, handed from the task to the waiting thread.
    private final class Outcome<T: Sendable, Failure: Error>: Sendable {
        private let result = Mutex<Result<T, Failure>?>(nil)
        private let done = DispatchSemaphore(value: 0)

        func finish(_ value: Result<T, Failure>) {
            result.withLock { $0 = value }
            done.signal()
        }

        func wait() -> Result<T, Failure> {
            while true {
                done.wait()
                if let value = result.withLock({ $0 }) { return value }
            }
        }
    }
}
