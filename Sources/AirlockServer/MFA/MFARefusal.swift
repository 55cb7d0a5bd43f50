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
    /// Not an MFA device's ARN or a hardware token's serial.
    case invalidDeviceSerial(String)
    /// The environment requires the person's own device and they registered none.
    case personalDeviceRequired(organization: String)
    /// The caller registered no device of their own.
    case noPersonalDevice

    var kind: RefusalKind {
        switch self {
        case .codeRequired, .malformedCode, .invalidRoleARN, .invalidDeviceSerial: .invalid
        case .refusedBySTS: .forbidden
        case .stsUnreachable: .upstreamUnavailable
        case .notConfigured, .personalDeviceRequired: .conflict
        case .noPersonalDevice: .notFound
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
        case .invalidDeviceSerial: "invalid_mfa_device"
        case .personalDeviceRequired: "personal_mfa_device_required"
        case .noPersonalDevice: "no_mfa_device"
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
        case let .invalidDeviceSerial(value):
            "\"\(value)\" is not an MFA device: give its ARN (arn:aws:iam::ACCOUNT:mfa/NAME) or a hardware token's serial (9 to 256 characters)."
        case .noPersonalDevice:
            "You registered no MFA device of your own here; your codes go with the organization's AWS_MFA_SERIAL_NUMBER."
        case let .personalDeviceRequired(organization):
            "This environment requires your own MFA device: register it for \(organization) (your organization's page, or airlock mfa-device set --org \(organization) SERIAL)."
        }
    }
}
