import Fluent
import Foundation

/// A person in a team: added by an owner, or by their identity provider group at a sign-in (`fromGroup`), in
/// which case the next sign-in without the group takes them out again.
final class TeamMembership: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or command that loaded it.
    static let schema = "team_memberships"

    @ID(key: .id) var id: UUID?
    @Parent(key: "team_id") var team: Team
    @Parent(key: "user_id") var user: User
    @Field(key: "from_group") var fromGroup: Bool

    init() {}

    init(teamID: UUID, userID: UUID, fromGroup: Bool) {
        self.$team.id = teamID
        self.$user.id = userID
        self.fromGroup = fromGroup
    }
}
