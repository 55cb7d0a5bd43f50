import Foundation

/// Who calls an environment's state backend, and what each may do there. A run's Terraform only reads during
/// its plan and also locks, writes and unlocks during its apply; a person who may read the environment reads with
/// an API token (so `terraform state pull` works from a laptop); one who administers it (an owner, or a member of a
/// team with that access) also locks, writes and unlocks (`terraform state push`, `force-unlock`).
enum StateCaller: Sendable, Equatable {
    /// A run's Terraform; `applying` says whether the run is in its apply.
    case run(UUID, applying: Bool)
    /// A person who administers the environment.
    case administrator
    /// A person who may read the environment.
    case reader

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
        case .administrator: return
        case .reader: throw StateRefusal.ownersOrRunsWrite
        }
    }

    /// Only an administrator releases a lock without naming it (`terraform force-unlock`).
    var mayForceUnlock: Bool { self == .administrator }
}
