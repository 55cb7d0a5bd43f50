/// One file of the AWS CLI's role credential cache (`~/.aws/cli/cache/<key>.json`): the AssumeRole (or
/// AssumeRoleWithWebIdentity, or Identity Center) answer, as botocore writes it. Unknown fields are ignored when reading, so files from any AWS CLI version load.
struct CachedRoleSession: Codable, Equatable {
    struct Credentials: Codable, Equatable {
        var AccessKeyId: String
        var SecretAccessKey: String
        var SessionToken: String
        /// `2026-11-23T18:00:00UTC` as the AWS CLI writes it; `Z` and `+00:00` forms are read too.
        var Expiration: String
        var AccountId: String?
    }

    struct AssumedRoleUser: Codable, Equatable {
        var AssumedRoleId: String
        var Arn: String
    }

    struct ResponseMetadata: Codable, Equatable {
        var RequestId: String?
        var HTTPStatusCode: Int?
        var RetryAttempts: Int?
    }

    /// `sso` for Identity Center role credentials, `airlock-mfa-session` for airlock's MFA sessions; absent for AssumeRole answers.
    var ProviderType: String? = nil
    var Credentials: Credentials
    var AssumedRoleUser: AssumedRoleUser? = nil
    var ResponseMetadata: ResponseMetadata? = nil
}
