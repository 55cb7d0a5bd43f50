/// What a person does to an organization or to something in it. Each action needs a role in the
/// organization; `Authorizer` is the only place that compares the two.
enum Action: String, Sendable, CaseIterable {
    /// See the organization and what is in it: environments, runs and their logs, variables (sensitive
    /// values never), state.
    case read
    /// Work with runs: upload configurations, queue, confirm, authenticate, discard and cancel runs; register
    /// or remove one's own MFA device.
    case operate
    /// Change the organization: members, variables, environments and their settings, notifications,
    /// others' MFA devices, state locked, written or unlocked by hand.
    case administer

    /// The least role that may do it.
    var requiredRole: Membership.Role {
        switch self {
        case .read, .operate: .member
        case .administer: .owner
        }
    }
}
