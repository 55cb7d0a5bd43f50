import Fluent
import Foundation

/// A user's place in an organization.
final class Membership: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or command that loaded it.
    static let schema = "memberships"

    enum Role: String, Codable, Sendable, CaseIterable {
        /// Manages members, variables and environment settings.
        case owner
        /// Uses the organization's environments.
        case member
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Parent(key: "user_id") var user: User
    @Enum(key: "role") var role: Role
    /// Whether an identity provider group mapped to one of its teams brought the person in (`TeamGroupSync`);
    /// such a membership ends at the first sign-in without any of those groups. Nil: added by hand.
    @OptionalField(key: "from_group") var fromGroup: Bool?

    init() {}

    init(organizationID: UUID, userID: UUID, role: Role) {
        self.$organization.id = organizationID
        self.$user.id = userID
        self.role = role
    }
}
