/// Why an IAM Identity Center (SSO) profile gave no credentials. Descriptions say what to run.
public enum SSOError: Error, Equatable, CustomStringConvertible {
    /// No token for the sign-in in `~/.aws/sso/cache` (`aws sso login` never ran, or ran for another session).
    case tokenMissing(name: String, profile: String)
    /// The cached token cannot be read (not JSON, no `accessToken`/`expiresAt`, or not a file of this user's alone).
    case tokenUnreadable(name: String, profile: String)
    /// The token has expired and could not be refreshed, or the portal refused it.
    case sessionExpired(profile: String)
    /// The portal answered with an error other than an expired session.
    case portal(code: String, message: String, httpStatus: Int)

    public var description: String {
        switch self {
        case let .tokenMissing(name, profile):
            "Error loading SSO Token: Token for \(name) does not exist. Sign in with: aws sso login --profile \(profile)"
        case let .tokenUnreadable(name, profile):
            "Error loading SSO Token: Token for \(name) is invalid (or not a file of this user's alone in ~/.aws/sso/cache). "
                + "Sign in again with: aws sso login --profile \(profile)"
        case let .sessionExpired(profile):
            "The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session "
                + "run aws sso login with the corresponding profile: aws sso login --profile \(profile)"
        case let .portal(code, message, _):
            "An error occurred (\(code)) when calling the GetRoleCredentials operation: \(message)"
        }
    }
}
