import Foundation

/// One sign-in of the AWS CLI's SSO token cache (`~/.aws/sso/cache/<sha1>.json`), as `aws sso login` writes it, with
/// botocore's field names.
struct SSOToken: Codable, Sendable {
    var startUrl: String?
    var region: String?
    var accessToken: String
    var expiresAt: String
    var clientId: String?
    var clientSecret: String?
    var registrationExpiresAt: String?
    var refreshToken: String?

    init?(json: Data) {
        guard let token = try? JSONDecoder().decode(SSOToken.self, from: json) else { return nil }
        self = token
    }

    private init(startUrl: String, region: String, accessToken: String, expiresAt: String, clientId: String?, clientSecret: String?,
                 registrationExpiresAt: String?, refreshToken: String?) {
        self.startUrl = startUrl
        self.region = region
        self.accessToken = accessToken
        self.expiresAt = expiresAt
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.registrationExpiresAt = registrationExpiresAt
        self.refreshToken = refreshToken
    }

    var expiry: Date? { ISO8601Timestamp.parse(expiresAt) }

    /// What a refresh needs: the client's registration (with its expiry) and a refresh token.
    var refreshGrant: (clientID: String, clientSecret: String, refreshToken: String, registrationExpiresAt: Date)? {
        guard let clientId, let clientSecret, let refreshToken,
              let expiry = registrationExpiresAt.flatMap(ISO8601Timestamp.parse) else { return nil }
        return (clientId, clientSecret, refreshToken, expiry)
    }

    /// The token after a refresh, as botocore writes it: the start URL and region, the new access token and its expiry
    /// (`%Y-%m-%dT%H:%M:%SZ`), the registration, and the refresh token only if a new one came (a spent one is dropped).
    func refreshed(_ answer: SSOOIDCClient.TokenAnswer, startURL: String, region: String, now: Date) -> SSOToken {
        SSOToken(startUrl: startURL, region: region, accessToken: answer.accessToken,
                 expiresAt: ISO8601Timestamp.format(now.addingTimeInterval(TimeInterval(answer.expiresIn))),
                 clientId: clientId, clientSecret: clientSecret, registrationExpiresAt: registrationExpiresAt,
                 refreshToken: answer.refreshToken)
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
