import Fluent
import Foundation

/// An authorization code `terraform login` exchanges for an API token: one use, ten minutes, bound to the
/// user who approved, the redirect address and the client's PKCE challenge. Only its hash is stored.
final class TerraformLoginCode: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request that loaded it.
    static let schema = "terraform_login_codes"

    @ID(key: .id) var id: UUID?
    @Field(key: "code_hash") var codeHash: String
    @Parent(key: "user_id") var user: User
    @Field(key: "redirect_uri") var redirectURI: String
    @Field(key: "code_challenge") var codeChallenge: String
    @Field(key: "expires_at") var expiresAt: Double
    @OptionalField(key: "used_at") var usedAt: Double?

    init() {}

    init(codeHash: String, userID: UUID, redirectURI: String, codeChallenge: String, expiresAt: Date) {
        self.codeHash = codeHash
        self.$user.id = userID
        self.redirectURI = redirectURI
        self.codeChallenge = codeChallenge
        self.expiresAt = expiresAt.timeIntervalSince1970
    }
}
