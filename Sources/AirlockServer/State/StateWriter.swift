import Foundation

/// Who writes an environment's state, and under which lock. While the state is locked only a writer naming
/// that lock writes; a writer that `mustHoldLock` (a run, a push through the TFE API) writes only under a lock.
struct StateWriter: Sendable {
    /// The run whose Terraform writes; nil for a person.
    let runID: UUID?
    /// The lock the writer names.
    let lockID: String?
    let mustHoldLock: Bool
}
