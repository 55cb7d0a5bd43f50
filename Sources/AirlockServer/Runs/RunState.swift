/// Where a run is, modelled on Terraform Enterprise's run states, and the only moves between them.
enum RunState: String, Codable, Sendable, CaseIterable {
    /// Queued for a plan; waits for the environment's lock and a worker.
    case pending
    case planning
    /// Planned with changes; waits for "Confirm & Apply" or "Discard".
    case planned
    /// Planned with changes, and a soft-mandatory policy failed: waits for an owner's override (an MFA code and a
    /// reason), or "Discard".
    case policyOverride = "policy_override"
    /// Planned without changes: nothing to apply.
    case plannedAndFinished = "planned_and_finished"
    /// Confirmed; waits for a worker.
    case applyQueued = "apply_queued"
    case applying
    case applied
    case discarded
    case canceled
    case errored

    /// The states a run can move to from this one.
    var successors: Set<RunState> {
        switch self {
        case .pending: [.planning, .canceled, .errored]
        case .planning: [.planned, .policyOverride, .plannedAndFinished, .errored, .canceled]
        case .planned: [.applyQueued, .discarded, .errored]
        case .policyOverride: [.planned, .discarded, .errored]
        case .applyQueued: [.applying, .canceled, .errored]
        case .applying: [.applied, .errored, .canceled]
        case .plannedAndFinished, .applied, .discarded, .canceled, .errored: []
        }
    }

    /// A final state: the run no longer holds its environment's lock.
    var isFinal: Bool { successors.isEmpty }

    /// States a worker picks up.
    static let queued: [RunState] = [.pending, .applyQueued]
    /// States in which a worker is executing Terraform.
    static let executing: [RunState] = [.planning, .applying]
    static let active: [RunState] = allCases.filter { !$0.isFinal }
}
