/// Why an MFA authentication, or a setting it depends on, was refused.
enum MFARefusal: Refusal {
    /// The environment needs a code before this phase and none was given.
    case codeRequired(serial: String?, phase: RunLogChunk.Phase)
    /// Not six digits: it never reaches STS.
    case malformedCode
    /// STS refused the code (wrong, reused, expired): its own message.
    case refusedBySTS(String)
    case stsUnreachable(String)
    case notConfigured(missing: [String])
    case tooManyFailures(minutes: Int)
    case invalidRoleARN(String)

    var kind: RefusalKind {
        switch self {
        case .codeRequired, .malformedCode, .invalidRoleARN: .invalid
        case .refusedBySTS: .forbidden
        case .stsUnreachable: .upstreamUnavailable
        case .notConfigured: .conflict
        case .tooManyFailures: .tooManyAttempts
        }
    }

    var code: String {
        switch self {
        case .codeRequired: "mfa_code_required"
        case .malformedCode: "invalid_mfa_code"
        case .refusedBySTS: "mfa_failed"
        case .stsUnreachable: "sts_unreachable"
        case .notConfigured: "mfa_not_configured"
        case .tooManyFailures: "too_many_mfa_failures"
        case .invalidRoleARN: "invalid_role_arn"
        }
    }

    var message: String {
        switch self {
        case let .codeRequired(serial, phase):
            "This environment needs an AWS MFA token code\(serial.map { " (from \($0))" } ?? "") before the \(phase.rawValue)."
        case .malformedCode:
            "An MFA token code is the 6 digits your device shows; try again with the current one."
        case let .refusedBySTS(message):
            message
        case let .stsUnreachable(reason):
            "AWS STS could not be reached, so nothing was done: \(reason)"
        case let .notConfigured(missing):
            "AWS Multi-Factor Authentication needs the organization variable\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")); set \(missing.count == 1 ? "it" : "them") at /settings/organization_variables."
        case let .tooManyFailures(minutes):
            "Too many failed MFA attempts on this environment; try again in \(minutes) minute\(minutes == 1 ? "" : "s")."
        case let .invalidRoleARN(value):
            "\"\(value)\" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)."
        }
    }
}
