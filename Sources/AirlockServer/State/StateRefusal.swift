/// Why the state backend refused a caller, or an environment's state refused a change.
enum StateRefusal: Refusal {
    case runTokenNotValid
    case runReadsOnlyWhilePlanning
    case ownersOrRunsWrite
    /// The state is locked by another lock than the one the writer named.
    case lockedByAnother(held: String)
    /// The writer must hold the lock, and nobody does.
    case notLocked
    /// An unlock named a lock other than the one held.
    case lockMismatch(held: String, named: String)
    /// Only an owner's `terraform force-unlock` names no lock.
    case unlockMustNameLock
    /// What was sent is not a state, or not one that follows the stored one.
    case stateRejected(String)
    /// The state moved on since the plan was made: its plan would apply to another state than approvers saw.
    case changedSincePlan(planned: Int?, now: Int?)

    var kind: RefusalKind {
        switch self {
        case .runTokenNotValid: .unauthenticated
        case .runReadsOnlyWhilePlanning, .ownersOrRunsWrite: .forbidden
        case .lockedByAnother, .notLocked, .lockMismatch, .unlockMustNameLock, .stateRejected, .changedSincePlan: .conflict
        }
    }

    var code: String {
        switch self {
        case .runTokenNotValid: "run_token_not_valid"
        case .runReadsOnlyWhilePlanning: "run_reads_only_while_planning"
        case .ownersOrRunsWrite: "owners_or_runs_write"
        case .lockedByAnother: "state_locked"
        case .notLocked: "state_not_locked"
        case .lockMismatch: "lock_mismatch"
        case .unlockMustNameLock: "unlock_must_name_lock"
        case .stateRejected: "state_rejected"
        case .changedSincePlan: "state_changed_since_plan"
        }
    }

    var message: String {
        switch self {
        case .runTokenNotValid: "This run token is not valid (the run is over)."
        case .runReadsOnlyWhilePlanning: "A run's token only reads the state during a plan; it locks and writes it during the apply."
        case .ownersOrRunsWrite: "Only a run or a person who administers the environment (an owner, or a team with that access) locks and writes its state."
        case let .lockedByAnother(held): "The state is locked (lock \(held)); a write must carry that lock's ID."
        case .notLocked: "The state is not locked: a run, or a push, writes the state only while it holds the state's lock."
        case let .lockMismatch(held, named): "The state is locked by lock \(held), not \(named)."
        case .unlockMustNameLock: "An unlock must name the lock's ID."
        case let .stateRejected(reason): reason
        case let .changedSincePlan(planned, now):
            "The environment's state changed since this plan (it was made on serial \(planned.map(String.init) ?? "none"), the state is now at "
                + "serial \(now.map(String.init) ?? "none")). Queue a new plan."
        }
    }
}
