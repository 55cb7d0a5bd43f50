/// One named profile: the merged settings of `[profile X]` in the config file and `[X]` in the credentials file.
public struct Profile: Sendable, Equatable {
    public let name: String
    public var values: [String: INIFile.Value]
    /// Whether its access keys are in the credentials file (which botocore reads before `credential_process`; keys
    /// in the config file come after it).
    public var keysFromCredentialsFile = false

    public init(name: String, values: [String: INIFile.Value] = [:]) {
        self.name = name
        self.values = values
    }

    /// A plain string setting (keys are lowercase).
    public subscript(key: String) -> String? {
        values[key]?.string
    }

    public var roleARN: String? { self["role_arn"] }
    public var sourceProfile: String? { self["source_profile"] }
    public var credentialSource: String? { self["credential_source"] }
    /// An MFA device: a virtual device's ARN or a hardware token's serial number.
    public var mfaSerial: String? { self["mfa_serial"] }
    /// A command whose standard output is the MFA code (as aws-vault has it).
    public var mfaProcess: String? { self["mfa_process"] }
    /// `role_session_name`; an empty one counts as none (botocore then makes a name, kept out of the cache key).
    public var roleSessionName: String? { self["role_session_name"].flatMap { $0.isEmpty ? nil : $0 } }
    public var externalID: String? { self["external_id"] }
    public var region: String? { self["region"] }
    public var credentialProcess: String? { self["credential_process"] }
    public var endpointURL: String? { self["endpoint_url"] }
    /// A file holding an OpenID Connect token for AssumeRoleWithWebIdentity (with `role_arn`).
    public var webIdentityTokenFile: String? { self["web_identity_token_file"] }

    /// Whether the profile is an IAM Identity Center (SSO) profile: botocore takes it for one as soon as it names
    /// a role or an account.
    public var isSingleSignOn: Bool { self["sso_role_name"] != nil || self["sso_account_id"] != nil }

    /// `duration_seconds`, checked to be a whole number.
    public func durationSeconds() throws(ConfigError) -> Int? {
        guard let raw = self["duration_seconds"] else { return nil }
        guard let seconds = Int(raw), seconds > 0 else {
            throw .invalidValue(profile: name, key: "duration_seconds", value: raw, expected: "a whole number of seconds")
        }
        return seconds
    }

    /// The settings by which the profile names credentials of its own (keys, a role, a process, a web identity, an
    /// Identity Center sign-in), in the config file's terms.
    public var credentialSettings: [String] {
        ["aws_access_key_id", "role_arn", "credential_process", "credential_source", "web_identity_token_file", "sso_session", "sso_account_id",
         "sso_role_name", "sso_start_url"].filter { values[$0] != nil }
    }

    /// True when the profile holds access keys itself.
    public var hasStaticCredentials: Bool {
        self["aws_access_key_id"] != nil || self["aws_secret_access_key"] != nil
    }

    /// The access keys the profile holds, if it holds any.
    public func staticCredentials() throws(ConfigError) -> AWSCredentials? {
        guard hasStaticCredentials else { return nil }
        guard let keyID = self["aws_access_key_id"] else {
            throw .partialCredentials(profile: name, missing: "aws_access_key_id")
        }
        guard let secret = self["aws_secret_access_key"] else {
            throw .partialCredentials(profile: name, missing: "aws_secret_access_key")
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: self["aws_session_token"])
    }
}
