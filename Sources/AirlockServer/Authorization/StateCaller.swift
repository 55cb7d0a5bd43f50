import Foundation

/// Who calls an environment's state backend, and what each may do there. A run's Terraform only reads during
/// its plan and also locks, writes and unlocks during its apply; a member reads with an API token (so
/// `terraform state pull` works from a laptop); an owner also locks, writes and unlocks (`terraform state push`,
/// `force-unlock`).
enum StateCaller: Sendable, Equatable {
    /// A run's Terraform; `applying` says whether the run is in its apply.
    case run(UUID, applying: Bool)
    case owner
    case member

    /// What starts a run's own token (the basic-auth password its backend configuration carries).
    static let runTokenPrefix = "airlock_run_"

    /// The run calling, if a run is.
    var runID: UUID? {
        if case let .run(id, _) = self { id } else { nil }
    }

    /// Whether it may lock, write and unlock; refused with `StateRefusal.writeRefused` otherwise.
    func requireWrite() throws {
        switch self {
        case let .run(_, applying): if !applying { throw StateRefusal.runReadsOnlyWhilePlanning }
        case .owner: return
        case .member: throw StateRefusal.ownersOrRunsWrite
        }
    }

    /// Only an owner releases a lock without naming it (`terraform force-unlock`).
    var mayForceUnlock: Bool { self == .owner }
}
