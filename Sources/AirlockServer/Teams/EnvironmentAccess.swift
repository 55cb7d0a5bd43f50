/// What a team may do in one environment. Each level includes the ones before it, as in TFE's workspace access.
enum EnvironmentAccess: String, Codable, Sendable, CaseIterable, Comparable {
    /// See the environment, its runs, logs, variables (sensitive values never) and state.
    case read
    /// Also upload configurations and queue, authenticate, discard and cancel plans.
    case plan
    /// Also approve applies ("Confirm & Apply" and the apply's MFA code); counts in four eyes and N approvals.
    case approve
    /// Also change the environment's settings and variables, and write or unlock its state by hand.
    case administer

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    /// How a page names the level.
    var label: String {
        switch self {
        case .read: "read"
        case .plan: "queue plans"
        case .approve: "approve applies"
        case .administer: "administer"
        }
    }
}
