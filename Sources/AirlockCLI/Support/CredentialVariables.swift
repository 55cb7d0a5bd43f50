import AirlockAWS

/// The environment variables that hand credentials to a program, in the order `export` prints them.
enum CredentialVariables {
    /// Variables a child must not inherit: they would point it back at a profile or at other keys.
    static let removed = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION"]
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
        if let region {
            variables.append(("AWS_REGION", region))
            variables.append(("AWS_DEFAULT_REGION", region))
        }
        return variables
    }
}
