import Foundation

/// Why an operation on a run was refused.
enum RunRefusal: Refusal {
    case notFound
    case noConfiguration
    case configurationVersionNotFound(String)
    /// The run is not in a state this action applies to; `action` is a past participle ("confirmed").
    case invalidTransition(action: String, state: RunState)
    case messageTooLong
    /// "Authenticate" for a plan that does not wait for a code (it has one, or it is past waiting).
    case notWaitingForCode(phase: RunPhase, state: RunState)
    /// Four eyes: the person who queued the run approves its apply.
    case queuerCannotApprove(queuer: String)
    /// The person approved this run already; more approvals are needed from others.
    case alreadyApproved(approvals: Int, required: Int)
    /// The approver saw a plan (by its SHA-256) that is not the run's saved plan.
    case planMismatch(seen: String, saved: String?)

    var kind: RefusalKind {
        switch self {
        case .notFound, .configurationVersionNotFound: .notFound
        case .noConfiguration, .invalidTransition, .notWaitingForCode, .alreadyApproved, .planMismatch: .conflict
        case .queuerCannotApprove: .forbidden
        case .messageTooLong: .invalid
        }
    }

    var code: String {
        switch self {
        case .notFound, .configurationVersionNotFound: "not_found"
        case .noConfiguration: "no_configuration"
        case .invalidTransition: "invalid_transition"
        case .messageTooLong: "invalid_message"
        case .notWaitingForCode: "not_waiting_for_mfa"
        case .queuerCannotApprove: "four_eyes"
        case .alreadyApproved: "already_approved"
        case .planMismatch: "plan_mismatch"
        }
    }

    var message: String {
        switch self {
        case .notFound:
            "There is no such run, or you cannot see it."
        case .noConfiguration:
            "The environment has no configuration yet; upload one first (airlock push DIR --env ORG/ENV)."
        case let .configurationVersionNotFound(id):
            "The environment has no configuration version \(id)."
        case let .invalidTransition(action, state):
            "A run that is \(state.rawValue.replacingOccurrences(of: "_", with: " ")) cannot be \(action)."
        case .messageTooLong:
            "Run messages are at most 500 characters."
        case let .queuerCannotApprove(queuer):
            "Four eyes: \(queuer) queued this run, so another member must approve its apply."
        case let .alreadyApproved(approvals, required):
            "You approved this run already (\(approvals) of \(required) approvals); another member must approve it too."
        case let .planMismatch(seen, saved):
            "You approved the plan \(seen.prefix(12)), but this run's saved plan is \(saved.map { String($0.prefix(12)) } ?? "missing"); "
                + "nothing was approved. Read the run's plan again before approving it."
        case let .notWaitingForCode(phase, state):
            state == (phase == .plan ? .pending : .applyQueued)
                ? "This run's \(phase.rawValue) is authenticated already (or needs no MFA token code); it starts when the runs ahead of it are over."
                : "This run does not wait for an MFA token code for its \(phase.rawValue): it is \(state.rawValue.replacingOccurrences(of: "_", with: " "))."
        }
    }
}
