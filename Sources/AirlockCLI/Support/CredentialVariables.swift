import AirlockAWS
import Foundation

/// The environment variables that hand credentials to a program, in the order `export` prints them.
enum CredentialVariables {
    /// Variables a child must not inherit: they would point it back at a profile or at other keys.
    static let removed = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION"]
    /// What would win over credentials served to a child (`exec --server`), as SDKs read them first: keys, and a web
    /// identity.
    static let ahead = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME"]
    /// airlock's own secrets (the server's API token, a TOTP seed): the command is given AWS credentials, not these.
    static let airlockSecrets = ["AIRLOCK_TOKEN", "AIRLOCK_TOTP_SECRET"]

    static func variables(_ credentials: AWSCredentials, region: String?) -> [(name: String, value: String)] {
        var variables: [(String, String)] = [
            ("AWS_ACCESS_KEY_ID", credentials.accessKeyID),
            ("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey),
        ]
        if let token = credentials.sessionToken { variables.append(("AWS_SESSION_TOKEN", token)) }
        if let expiration = credentials.expiration {
            variables.append(("AWS_CREDENTIAL_EXPIRATION", ISO8601Timestamp.format(expiration)))
        }
        return variables + regionVariables(region)
    }

    /// `AWS_REGION` and `AWS_DEFAULT_REGION`, when there is a region botocore would take: a value it refuses (an inline
    /// comment kept in it, `eu-west-1 # note`) is left out, with a line on standard error, so the credentials still serve.
    static func regionVariables(_ region: String?) -> [(name: String, value: String)] {
        guard let region else { return [] }
        guard STSEndpoint.isValidRegion(region) else {
            FileHandle.standardError.write(Data(("airlock: the region \"\(region)\" is not a region name (the config file keeps an inline comment "
                + "in the value, as botocore reads it); AWS_REGION is not set.\n").utf8))
            return []
        }
        return [("AWS_REGION", region), ("AWS_DEFAULT_REGION", region)]
    }
}
