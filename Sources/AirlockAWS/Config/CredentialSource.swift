/// Where a profile's credentials come from, resolved from the config files without calling AWS.
public indirect enum CredentialSource: Sendable, Equatable {
    /// Access keys written in the profile (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`).
    case staticKeys(AWSCredentials, profile: String)
    /// `credential_source = Environment`: the `AWS_ACCESS_KEY_ID` family of environment variables.
    case environment(profile: String)
    /// `credential_process = COMMAND`: a command that prints credentials as JSON.
    case process(command: String, profile: String)
    /// `role_arn`: AssumeRole with credentials from `source`.
    case assumeRole(AssumeRoleSettings, source: CredentialSource)
    /// `web_identity_token_file` with `role_arn`: AssumeRoleWithWebIdentity (unsigned) with the file's token.
    case webIdentity(WebIdentitySettings)
    /// `sso_account_id` and `sso_role_name`: the Identity Center portal's GetRoleCredentials.
    case singleSignOn(SingleSignOnSettings)

    /// The MFA devices the chain will ask codes for, outermost role last.
    public var mfaSerials: [String] {
        guard case let .assumeRole(settings, source) = self else { return [] }
        return source.mfaSerials + (settings.mfaSerial.map { [$0] } ?? [])
    }
}

/// A role profile's settings for AssumeRole.
public struct AssumeRoleSettings: Sendable, Equatable {
    public var profile: String
    public var roleARN: String
    public var roleSessionName: String?
    public var externalID: String?
    public var mfaSerial: String?
    public var mfaProcess: String?
    public var durationSeconds: Int?

    public init(
        profile: String, roleARN: String, roleSessionName: String? = nil, externalID: String? = nil,
        mfaSerial: String? = nil, mfaProcess: String? = nil, durationSeconds: Int? = nil
    ) {
        self.profile = profile
        self.roleARN = roleARN
        self.roleSessionName = roleSessionName
        self.externalID = externalID
        self.mfaSerial = mfaSerial
        self.mfaProcess = mfaProcess
        self.durationSeconds = durationSeconds
    }
}
