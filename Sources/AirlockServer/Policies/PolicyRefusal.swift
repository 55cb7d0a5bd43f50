import Foundation

/// Why an operation on policy sets or a run's policy check was refused.
enum PolicyRefusal: Refusal {
    case nameTaken(String)
    case notFound(String)
    case versionNotFound(set: String, version: Int)
    case invalidEnforcement(String)
    case noPolicies
    case tooManyPolicies(Int)
    case duplicatePolicy(String)
    case policyTooLarge(String)
    case noPackage(String)
    case duplicatePackage(String)
    case unknownEnvironment(String)
    /// A change that both names environments and covers every one.
    case scopeConflict
    /// `allEnvironments` takes true only (name environments to narrow a set).
    case allEnvironmentsIsTrue
    /// The policies do not load in the engine (a parse or compile error).
    case brokenPolicies(String)
    /// The server has no policy engine (`airlock serve --policy-engine`).
    case noEngine
    /// An override needs a reason for the audit.
    case reasonRequired
    case invalidReason
    /// Only a run whose soft-mandatory policies failed waits for an override.
    case nothingToOverride(RunState)
    /// Terraform's override sends no MFA code or reason.
    case overrideNeedsCode(runURL: String)

    var kind: RefusalKind {
        switch self {
        case .nameTaken, .nothingToOverride: .conflict
        case .notFound, .versionNotFound: .notFound
        case .invalidEnforcement, .noPolicies, .tooManyPolicies, .invalidReason, .allEnvironmentsIsTrue: .invalid
        // Well-formed as the API's schema states it; refused for what the policies say.
        case .duplicatePolicy, .policyTooLarge, .noPackage, .duplicatePackage, .reasonRequired, .unknownEnvironment, .scopeConflict, .brokenPolicies, .noEngine,
             .overrideNeedsCode:
            .unprocessable
        }
    }

    var code: String {
        switch self {
        case .nameTaken: "name_taken"
        case .notFound: "unknown_policy_set"
        case .versionNotFound: "unknown_policy_set_version"
        case .invalidEnforcement: "invalid_enforcement"
        case .noPolicies: "no_policies"
        case .tooManyPolicies: "too_many_policies"
        case .duplicatePolicy: "duplicate_policy"
        case .policyTooLarge: "policy_too_large"
        case .noPackage: "no_package"
        case .duplicatePackage: "duplicate_package"
        case .unknownEnvironment: "unknown_environment"
        case .scopeConflict: "scope_conflict"
        case .allEnvironmentsIsTrue: "invalid_scope"
        case .brokenPolicies: "broken_policies"
        case .noEngine: "no_policy_engine"
        case .reasonRequired: "reason_required"
        case .invalidReason: "invalid_reason"
        case .nothingToOverride: "nothing_to_override"
        case .overrideNeedsCode: "override_needs_mfa"
        }
    }

    var message: String {
        switch self {
        case let .nameTaken(name): "The organization already has a policy set \"\(name)\"."
        case let .notFound(name): "There is no policy set \"\(name)\" in this organization."
        case let .versionNotFound(set, version): "The policy set \"\(set)\" has no version \(version)."
        case let .invalidEnforcement(level):
            "There is no enforcement level \"\(level)\"; it is one of \(PolicyEnforcement.allCases.map(\.rawValue).joined(separator: ", "))."
        case .noPolicies: "A policy set version holds at least one policy."
        case let .tooManyPolicies(count): "A policy set version holds at most \(Policy.maximumPerSet) policies (got \(count))."
        case let .duplicatePolicy(name): "Two policies are named \"\(name)\"; each needs a name of its own."
        case let .policyTooLarge(name): "The policy \"\(name)\" is larger than \(Policy.maximumSourceBytes >> 10) KiB."
        case let .noPackage(name):
            "The policy \"\(name)\" must start with a plain package line, such as `package airlock.\(name.replacingOccurrences(of: "-", with: "_"))` (comments may come before it)."
        case let .duplicatePackage(package): "Two policies declare the package \(package); each needs a package of its own."
        case let .unknownEnvironment(name): "There is no environment \"\(name)\" in this organization."
        case .scopeConflict: "Name the environments a policy set covers, or cover every environment: not both."
        case .allEnvironmentsIsTrue: "allEnvironments takes true only: to narrow a set, name its environments."
        case let .brokenPolicies(message): "The policies do not load: \(message)"
        case .noEngine:
            "This server has no policy engine, so it cannot check plans against policies: its operator names one with `airlock serve --policy-engine` (OPA, or scripts/opa/opa-regorus)."
        case .reasonRequired: "An override needs a reason, which the audit keeps."
        case .invalidReason: "A reason is up to 1000 characters without control characters."
        case let .nothingToOverride(state): "Only a run whose soft-mandatory policies failed waits for an override; this one is \(state.rawValue)."
        case let .overrideNeedsCode(runURL):
            "Overriding a policy failure in Airlock needs an owner's MFA code and a reason, which Terraform cannot send: give them on the run's page (\(runURL)) or with `airlock run override`. Terraform goes on once it is done."
        }
    }
}
