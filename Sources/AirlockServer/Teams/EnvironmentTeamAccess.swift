import Fluent
import Foundation

/// A team's access to one environment. An environment with at least one of these is restricted: its members
/// reach it only through their teams (`Authorizer`); one without keeps the organization's roles.
final class EnvironmentTeamAccess: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or command that loaded it.
    static let schema = "environment_team_access"

    @ID(key: .id) var id: UUID?
    @Parent(key: "environment_id") var environment: TerraformEnvironment
    @Parent(key: "team_id") var team: Team
    @Field(key: "access") var access: EnvironmentAccess

    init() {}

    init(environmentID: UUID, teamID: UUID, access: EnvironmentAccess) {
        self.$environment.id = environmentID
        self.$team.id = teamID
        self.access = access
    }
}
