/// What AssumeRoleWithWebIdentity needs, from a profile's `web_identity_token_file`, `role_arn` and
/// `role_session_name`, or from `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME` (each
/// variable before its setting, as botocore reads them, unless a profile was named with `--profile`).
public struct WebIdentitySettings: Sendable, Equatable {
    /// The profile it came from (`default` for the environment alone).
    public var profile: String
    public var roleARN: String
    /// The file whose whole content is the token (a CI system or Kubernetes rewrites it as the token rotates).
    public var tokenFile: String
    public var roleSessionName: String?

    public init(profile: String, roleARN: String, tokenFile: String, roleSessionName: String? = nil) {
        self.profile = profile
        self.roleARN = roleARN
        self.tokenFile = tokenFile
        self.roleSessionName = roleSessionName
    }
}
