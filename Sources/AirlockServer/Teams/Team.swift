import Fluent
import Foundation

/// A group of an organization's members that environments grant access to (`EnvironmentTeamAccess`). Owners
/// add people by hand, or name an identity provider group whose members it then follows at each sign-in.
final class Team: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or command that loaded it.
    static let schema = "teams"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "name") var name: String
    /// The identity provider group (a value of the server's groups claim) whose members the team follows.
    @OptionalField(key: "identity_provider_group") var identityProviderGroup: String?
    @Field(key: "created_at") var createdAt: Double

    init() {}

    init(organizationID: UUID, name: String, identityProviderGroup: String?, at time: Date) {
        self.$organization.id = organizationID
        self.name = name
        self.identityProviderGroup = identityProviderGroup
        self.createdAt = time.timeIntervalSince1970
    }
}
