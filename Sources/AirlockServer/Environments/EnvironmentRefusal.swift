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
    /// A list page size outside 1 to `EnvironmentListing.maximumSize`.
    case invalidPageSize(Int)
    /// A list's `after` or `search` holding NUL, which no name holds and PostgreSQL cannot compare.
    case invalidListText(String)

    var kind: RefusalKind {
        switch self {
        case .nameTaken: .conflict
        case .notFound: .notFound
        case .invalidRequiredApprovals, .invalidAWSSessionHours, .invalidPageSize, .invalidListText, .invalidApprovalSignInMinutes,
             .providerMFAWithoutStepUp: .invalid
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
        case .invalidPageSize: "invalid_page_size"
        case .invalidListText: "invalid_list_query"
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
        case let .invalidPageSize(size): "A page holds 1 to \(EnvironmentListing.maximumSize) environments, not \(size)."
        case let .invalidListText(parameter): "\(parameter) may not contain a NUL character."
        }
    }
}
