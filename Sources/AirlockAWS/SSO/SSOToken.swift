import Foundation

/// One sign-in of the AWS CLI's SSO token cache (`~/.aws/sso/cache/<sha1>.json`), as `aws sso login` writes it. The
/// whole JSON object is kept, so that a refresh rewrites the fields botocore rewrites and leaves the others as found.
struct SSOToken: Sendable {
    /// The file's fields.
    private(set) var fields: [String: JSONValue]

    init?(json: Data) {
        guard case let .object(fields)? = try? JSONDecoder().decode(JSONValue.self, from: json),
              case .string? = fields["accessToken"], case .string? = fields["expiresAt"] else { return nil }
        self.fields = fields
    }

    var accessToken: String { fields["accessToken"]?.string ?? "" }
    var expiresAt: Date? { fields["expiresAt"]?.string.flatMap(ISO8601Timestamp.parse) }

    /// What a refresh needs: the client's registration (not expired) and a refresh token.
    var refreshGrant: (clientID: String, clientSecret: String, refreshToken: String, registrationExpiresAt: Date)? {
        guard let clientID = fields["clientId"]?.string, let clientSecret = fields["clientSecret"]?.string,
              let refreshToken = fields["refreshToken"]?.string,
              let expiry = fields["registrationExpiresAt"]?.string.flatMap(ISO8601Timestamp.parse) else { return nil }
        return (clientID, clientSecret, refreshToken, expiry)
    }

    /// The token after a refresh: botocore writes the new access token, its expiry (`%Y-%m-%dT%H:%M:%SZ`), the start
    /// URL and region, and the new refresh token if one came.
    func refreshed(_ answer: SSOOIDCClient.TokenAnswer, startURL: String, region: String, now: Date) -> SSOToken {
        var copy = self
        copy.fields["startUrl"] = .string(startURL)
        copy.fields["region"] = .string(region)
        copy.fields["accessToken"] = .string(answer.accessToken)
        copy.fields["expiresAt"] = .string(ISO8601Timestamp.format(now.addingTimeInterval(TimeInterval(answer.expiresIn))))
        if let refreshToken = answer.refreshToken { copy.fields["refreshToken"] = .string(refreshToken) }
        return copy
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(JSONValue.object(fields))
    }
}
