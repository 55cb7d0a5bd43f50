/// Why an MFA authentication, or a setting it depends on, was refused.
enum MFARefusal: Refusal {
    /// The environment needs a code before this phase and none was given.
    case codeRequired(serial: String?, phase: RunPhase)
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
    /// A device is registered with two consecutive codes from it.
    case deviceProofNeeded
    /// The organization's shared AWS_MFA_SERIAL_NUMBER is nobody's own device.
    case sharedDeviceSerial
    /// Another person of the organization registered this device.
    case deviceSerialTaken

    var kind: RefusalKind {
        switch self {
        case .codeRequired, .malformedCode, .invalidRoleARN, .invalidDeviceSerial, .deviceProofNeeded: .invalid
        case .sharedDeviceSerial, .deviceSerialTaken: .conflict
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
        case .deviceProofNeeded: "mfa_device_proof_needed"
        case .sharedDeviceSerial: "mfa_device_shared"
        case .deviceSerialTaken: "mfa_device_taken"
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
            "Too many failed MFA attempts; try again in \(minutes) minute\(minutes == 1 ? "" : "s")."
        case let .invalidRoleARN(value):
            "\"\(value)\" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)."
        case let .invalidDeviceSerial(value):
            "\"\(value)\" is not an MFA device: give its ARN (arn:aws:iam::ACCOUNT:mfa/NAME) or a hardware token's serial (9 to 256 characters)."
        case .noPersonalDevice:
            "No MFA device of their own is registered here; codes go with the organization's AWS_MFA_SERIAL_NUMBER."
        case .deviceProofNeeded:
            "Prove the device is yours: give two consecutive codes it shows (enter one, wait for the next, enter that)."
        case .sharedDeviceSerial:
            "That is the organization's shared AWS_MFA_SERIAL_NUMBER, not a device of your own: register the device only you hold."
        case .deviceSerialTaken:
            "Another person of this organization registered that device; each person registers a device only they hold."
        case let .personalDeviceRequired(organization):
            "This environment requires your own MFA device: register it for \(organization) (your organization's page, or airlock mfa-device set --org \(organization) SERIAL)."
        }
    }
}
