/// What a failed policy set does to a run, as HCP Terraform names it.
enum PolicyEnforcement: String, Codable, Sendable, CaseIterable {
    /// Shown: the run goes on.
    case advisory
    /// Blocks the apply until an owner overrides it with an MFA code and a reason.
    case softMandatory = "soft-mandatory"
    /// Blocks: only a new plan can pass.
    case hardMandatory = "hard-mandatory"

    var label: String {
        switch self {
        case .advisory: "advisory (shown)"
        case .softMandatory: "soft-mandatory (an owner may override)"
        case .hardMandatory: "hard-mandatory (only a new plan can pass)"
        }
    }
}
