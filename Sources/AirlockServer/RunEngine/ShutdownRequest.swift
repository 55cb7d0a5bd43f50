import Synchronization

/// Set once when the server is asked to stop (SIGTERM, SIGINT): workers claim no more runs, and the
/// Terraform of a phase being executed is interrupted as a cancel interrupts it.
final class ShutdownRequest: Sendable {
    private let requested = Atomic(false)

    var isRequested: Bool { requested.load(ordering: .acquiring) }

    func request() { requested.store(true, ordering: .releasing) }
}
