/// A problem with the AWS shared config or credentials files, or with a profile in them.
///
/// Descriptions follow botocore's wording where botocore has one, so users see what the AWS CLI would say.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    /// A line the INI parser cannot read.
    case parse(path: String, line: Int, reason: String)
    case profileNotFound(String)
    case infiniteLoop(sourceProfile: String, visited: [String])
    case sourceProfileNotFound(sourceProfile: String, profile: String)
    case bothSourceProfileAndCredentialSource(profile: String)
    case missingSource(profile: String)
    case unsupportedCredentialSource(source: String, profile: String)
    case partialCredentials(profile: String, missing: String)
    case noCredentials(profile: String)
    /// Nothing in the profile (or the environment) provides credentials.
    case unableToLocateCredentials
    /// `web_identity_token_file` (or `AWS_WEB_IDENTITY_TOKEN_FILE`) without a role to assume.
    case webIdentityWithoutRole(profile: String)
    case ssoSessionNotFound(String)
    case ssoSettingsDisagree(key: String, profileValue: String, sessionValue: String)
    case ssoSettingsMissing(profile: String, missing: [String])
    case invalidValue(profile: String, key: String, value: String, expected: String)
    /// A setting of the environment or the profile that cannot be used (a proxy address, a CA bundle).
    case invalidSetting(name: String, reason: String)

    public var description: String {
        switch self {
        case let .parse(path, line, reason):
            "Unable to parse config file: \(path), line \(line): \(reason)"
        case let .profileNotFound(name):
            "The config profile (\(name)) could not be found"
        case let .infiniteLoop(source, visited):
            "Infinite loop in credential configuration detected. Attempting to load from profile \(source) "
                + "which has already been visited. Visited profiles: [" + visited.map { "'\($0)'" }.joined(separator: ", ") + "]"
        case let .sourceProfileNotFound(source, profile):
            "The source_profile \"\(source)\" referenced in the profile \"\(profile)\" does not exist."
        case let .bothSourceProfileAndCredentialSource(profile):
            "The profile \"\(profile)\" contains both source_profile and credential_source."
        case let .missingSource(profile):
            "Partial credentials found in assume-role, missing: source_profile or credential_source (profile \"\(profile)\")"
        case let .unsupportedCredentialSource(source, profile):
            "The credential source \"\(source)\" referenced in profile \"\(profile)\" is not valid. Airlock supports credential_source = Environment."
        case let .partialCredentials(profile, missing):
            "Partial credentials found in shared-credentials-file, missing: \(missing) (profile \"\(profile)\")"
        case let .noCredentials(profile):
            "The source profile \"\(profile)\" must have credentials."
        case .unableToLocateCredentials:
            "Unable to locate credentials. You can configure credentials by running \"aws configure\"."
        case let .webIdentityWithoutRole(profile):
            "The profile \"\(profile)\" or the current environment is configured to assume role with web identity but has no role "
                + "ARN configured. Ensure that the profile has the role_arn configuration set or the AWS_ROLE_ARN env var is set."
        case let .ssoSessionNotFound(name):
            "The specified sso-session does not exist: \"\(name)\""
        case let .ssoSettingsDisagree(key, profileValue, sessionValue):
            "The value for \(key) is inconsistent between profile (\(profileValue)) and sso-session (\(sessionValue))."
        case let .ssoSettingsMissing(profile, missing):
            "The profile \"\(profile)\" is configured to use SSO but is missing required configuration: \(missing.joined(separator: ", "))"
        case let .invalidValue(profile, key, value, expected):
            "Invalid \(key) \"\(value)\" in profile \"\(profile)\": expected \(expected)."
        case let .invalidSetting(name, reason):
            "\(name) \(reason)."
        }
    }
}
