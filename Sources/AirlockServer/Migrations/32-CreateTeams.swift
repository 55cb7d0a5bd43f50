import Fluent
import SQLKit

/// Teams: `teams`, `team_memberships`, `environment_team_access`, on `environments` whether it is restricted to teams
/// (`restricted_to_teams`), and on `memberships` whether an identity provider group brought the person in (`from_group`).
struct CreateTeams: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Team.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("identity_provider_group", .string)
            .field("created_at", .double, .required)
            .unique(on: "organization_id", "name")
            .create()
        try await database.schema(TeamMembership.schema)
            .id()
            .field("team_id", .uuid, .required, .references(Team.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("from_group", .bool, .required)
            .unique(on: "team_id", "user_id")
            .create()
        try await database.sql.create(index: "team_memberships_by_user").on(TeamMembership.schema).column("user_id").run()
        try await database.schema(EnvironmentTeamAccess.schema)
            .id()
            .field("environment_id", .uuid, .required, .references(TerraformEnvironment.schema, "id", onDelete: .cascade))
            .field("team_id", .uuid, .required, .references(Team.schema, "id", onDelete: .cascade))
            .field("access", .string, .required)
            .unique(on: "environment_id", "team_id")
            .create()
        try await database.sql.create(index: "environment_team_access_by_team").on(EnvironmentTeamAccess.schema).column("team_id").run()
        // NULL on rows from before: open to every member.
        try await database.schema(TerraformEnvironment.schema).field("restricted_to_teams", .bool).update()
        // NULL (rows from before, and people added by hand): not from a group.
        try await database.schema(Membership.schema).field("from_group", .bool).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Membership.schema).deleteField("from_group").update()
        try await database.schema(TerraformEnvironment.schema).deleteField("restricted_to_teams").update()
        try await database.schema(EnvironmentTeamAccess.schema).delete()
        try await database.schema(TeamMembership.schema).delete()
        try await database.schema(Team.schema).delete()
    }
}
