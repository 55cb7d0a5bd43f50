/// What a person does to an organization or to something in it. In the organization each action needs a role;
/// in an environment restricted to teams, a team's access (`EnvironmentAccess`). `Authorizer` is the only place
/// that compares them.
enum Action: String, Sendable, CaseIterable {
    /// See the organization and what is in it: environments, runs and their logs, variables (sensitive
    /// values never), state. Register or remove one's own MFA device.
    case read
    /// Upload configurations; queue, authenticate, discard and cancel runs' plans.
    case plan
    /// Approve runs' applies: "Confirm & Apply" and the apply's MFA code.
    case approve
    /// Change the organization (members, teams, variables, environments, notifications, others' MFA devices) or
    /// an environment (its settings and variables; its state locked, written or unlocked by hand).
    case administer

    /// The least role that may do it in the organization.
    var requiredRole: Membership.Role {
        switch self {
        case .read, .plan, .approve: .member
        case .administer: .owner
        }
    }

    /// The least team access that may do it in a restricted environment.
    var requiredAccess: EnvironmentAccess {
        switch self {
        case .read: .read
        case .plan: .plan
        case .approve: .approve
        case .administer: .administer
        }
    }
}
