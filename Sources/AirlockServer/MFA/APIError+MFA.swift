import Vapor

extension APIError {
    static func mfaCodeRequired(serial: String?, phase: RunLogChunk.Phase) -> APIError {
        APIError(status: .badRequest, code: "mfa_code_required",
                 reason: "This environment needs an AWS MFA token code\(serial.map { " (from \($0))" } ?? "") before the \(phase.rawValue).")
    }

    static let invalidMFACode = APIError(status: .badRequest, code: "invalid_mfa_code",
                                         reason: "An MFA token code is the 6 digits your device shows; try again with the current one.")

    /// STS refused the code (wrong, reused, expired): its own message.
    static func mfaFailed(_ message: String) -> APIError {
        APIError(status: .forbidden, code: "mfa_failed", reason: message)
    }

    static func stsUnreachable(_ reason: String) -> APIError {
        APIError(status: .badGateway, code: "sts_unreachable", reason: "AWS STS could not be reached, so nothing was done: \(reason)")
    }

    static func mfaNotConfigured(missing: [String]) -> APIError {
        APIError(status: .conflict, code: "mfa_not_configured",
                 reason: "AWS Multi-Factor Authentication needs the organization variable\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")); set \(missing.count == 1 ? "it" : "them") at /settings/organization_variables.")
    }

    static func tooManyMFAFailures(minutes: Int) -> APIError {
        APIError(status: .tooManyRequests, code: "too_many_mfa_failures",
                 reason: "Too many failed MFA attempts on this environment; try again in \(minutes) minute\(minutes == 1 ? "" : "s").")
    }

    static func invalidRoleARN(_ value: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_role_arn", reason: "\"\(value)\" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME).")
    }
}
