/// Why credentials could not be had. Descriptions say what to do about it.
public enum CredentialError: Error, Equatable, CustomStringConvertible {
    /// An MFA code is needed but there is no terminal to ask on and no other way to get one.
    case mfaCodeUnavailable(serial: String)
    /// A code that is not six digits, refused before calling STS.
    case malformedMFACode(serial: String)
    /// `credential_process` or `mfa_process` failed.
    case processFailed(kind: String, command: String, reason: String)
    /// `credential_process` printed something that is not its JSON.
    case invalidProcessOutput(command: String, reason: String)
    case expiredProcessCredentials(command: String)
    /// `credential_source = Environment` but the variables are not set.
    case environmentCredentialsMissing(profile: String)
    /// The web identity token file cannot be read, or holds no token.
    case webIdentityTokenUnreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .mfaCodeUnavailable(serial):
            "An MFA code for \(serial) is needed, but there is no terminal to ask on. "
                + "Pass it with --mfa-code, or set mfa_process in the profile to a command that prints it."
        case let .malformedMFACode(serial):
            "The MFA code for \(serial) must be 6 digits."
        case let .processFailed(kind, command, reason):
            "Error when retrieving credentials from \(kind): `\(command)` \(reason)"
        case let .invalidProcessOutput(command, reason):
            "Error when retrieving credentials from custom-process: `\(command)` printed \(reason)"
        case let .expiredProcessCredentials(command):
            "Error when retrieving credentials from custom-process: `\(command)` returned expired credentials"
        case let .environmentCredentialsMissing(profile):
            "No credentials found in credential_source referenced in profile \(profile): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
        case let .webIdentityTokenUnreadable(path, reason):
            "Cannot read the web identity token file \(path): \(reason). Check web_identity_token_file or AWS_WEB_IDENTITY_TOKEN_FILE."
        }
    }
}
