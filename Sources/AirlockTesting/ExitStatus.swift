import Synchronization

/// A child's exit status once it has been reaped, shared between the thread or task that waits for it
/// and the test that asks.
final class ExitStatus: Sendable {
    private let code = Mutex<Int32?>(nil)

    /// Records the status of the reaped child.
    func record(_ status: Int32) { code.withLock { $0 = status } }

    /// The status, or nil while the child runs.
    var status: Int32? { code.withLock { $0 } }
}
