/// Why an operation on an organization's environments was refused.
enum EnvironmentRefusal: Refusal {
    case nameTaken(String)
    case notFound(String)
    /// Required approvals outside 1 to the maximum.
    case invalidRequiredApprovals(Int)
    /// A credentials limit outside `TerraformEnvironment.awsSessionHoursRange`.
    case invalidAWSSessionHours(Int)
    /// A step-up window outside `TerraformEnvironment.approvalSignInMinutesRange` (0 turns it off).
    case invalidApprovalSignInMinutes(Int)
    /// A second factor at the provider asked for without a step-up window.
    case providerMFAWithoutStepUp
    /// A step-up window on a server that signs no one in through an identity provider.
    case stepUpWithoutIdentityProvider
    /// A list page size outside 1 to `EnvironmentListing.maximumSize`.
    case invalidPageSize(Int)
    /// A list's `after` or `search` holding NUL, which no name holds and PostgreSQL cannot compare.
    case invalidListText(String)
    /// The environment is restricted to teams, and the caller's teams may not do this there.
    case teamAccessTooLow(environment: String, has: EnvironmentAccess, needs: EnvironmentAccess)

    var kind: RefusalKind {
        switch self {
        case .nameTaken: .conflict
        case .notFound: .notFound
        case .teamAccessTooLow: .forbidden
        case .invalidRequiredApprovals, .invalidAWSSessionHours, .invalidPageSize, .invalidListText, .invalidApprovalSignInMinutes: .invalid
        // Each field is valid on its own: what is refused is the combination, or the server it is asked of.
        case .providerMFAWithoutStepUp, .stepUpWithoutIdentityProvider: .unprocessable
        }
    }

    var code: String {
        switch self {
        case .nameTaken: "name_taken"
        case .notFound: "not_found"
        case .invalidRequiredApprovals: "invalid_required_approvals"
        case .invalidAWSSessionHours: "invalid_aws_session_hours"
        case .invalidApprovalSignInMinutes: "invalid_approval_sign_in_minutes"
        case .providerMFAWithoutStepUp: "provider_mfa_without_step_up"
        case .stepUpWithoutIdentityProvider: "no_identity_provider"
        case .invalidPageSize: "invalid_page_size"
        case .invalidListText: "invalid_list_query"
        case .teamAccessTooLow: "team_access"
        }
    }

    var message: String {
        switch self {
        case let .nameTaken(name): "The organization already has an environment \"\(name)\"."
        case let .notFound(name): "There is no environment \"\(name)\" in this organization."
        case let .invalidRequiredApprovals(count):
            "Required approvals must be 1 to \(TerraformEnvironment.maximumRequiredApprovals), not \(count)."
        case let .invalidAWSSessionHours(hours):
            "AWS credentials hold for \(TerraformEnvironment.awsSessionHoursRange.lowerBound) to \(TerraformEnvironment.awsSessionHoursRange.upperBound) hours from a phase's start, not \(hours)."
        case let .invalidApprovalSignInMinutes(minutes):
            "Approvers' sign-in at the identity provider must be at most \(TerraformEnvironment.approvalSignInMinutesRange.lowerBound) to \(TerraformEnvironment.approvalSignInMinutesRange.upperBound) minutes old (0 turns the rule off), not \(minutes)."
        case .providerMFAWithoutStepUp:
            "A second factor at the identity provider is checked at approval only with a sign-in age: set how recent approvers' sign-in must be too."
        case .stepUpWithoutIdentityProvider:
            "Approvers can prove a recent sign-in only at an identity provider, and this server signs no one in through one: its operator sets one up first (airlock serve --oidc-issuer ...)."
        case let .invalidPageSize(size): "A page holds 1 to \(EnvironmentListing.maximumSize) environments, not \(size)."
        case let .invalidListText(parameter): "\(parameter) may not contain a NUL character."
        case let .teamAccessTooLow(environment, has, needs):
            "\(environment) is restricted to teams, and yours may \(has.label) there; this needs a team that may \(needs.label). Ask an owner."
        }
    }
}
