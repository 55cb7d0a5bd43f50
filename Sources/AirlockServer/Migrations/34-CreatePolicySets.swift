import Fluent
import SQLKit

/// Policy checks: `policy_sets`, their versions (`policy_set_versions`) and the environments they name
/// (`policy_set_environments`); on `runs`, the run's policy check (`policy_check`, JSON) and the approvals its policies
/// demand (`policy_required_approvals`); on `mfa_authentications`, what a code was for beyond a phase (`purpose`).
struct CreatePolicySets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PolicySet.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("enforcement", .string, .required)
            .field("all_environments", .bool, .required)
            .field("latest_version", .int, .required)
            .field("created_at", .double, .required)
            .field("updated_at", .double, .required)
            .unique(on: "organization_id", "name")
            .create()
        try await database.schema(PolicySetVersion.schema)
            .id()
            .field("policy_set_id", .uuid, .required, .references(PolicySet.schema, "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("policies", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .double, .required)
            .unique(on: "policy_set_id", "number")
            .create()
        try await database.schema(PolicySetEnvironment.schema)
            .id()
            .field("policy_set_id", .uuid, .required, .references(PolicySet.schema, "id", onDelete: .cascade))
            .field("environment_id", .uuid, .required, .references(TerraformEnvironment.schema, "id", onDelete: .cascade))
            .unique(on: "policy_set_id", "environment_id")
            .create()
        try await database.sql.create(index: "policy_set_environments_by_environment").on(PolicySetEnvironment.schema).column("environment_id").run()
        // SQLite adds one column per statement.
        try await database.schema(Run.schema).field("policy_check", .string).update()
        try await database.schema(Run.schema).field("policy_required_approvals", .int).update()
        try await database.schema(MFAAuthentication.schema).field("purpose", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MFAAuthentication.schema).deleteField("purpose").update()
        try await database.schema(Run.schema).deleteField("policy_required_approvals").update()
        try await database.schema(Run.schema).deleteField("policy_check").update()
        try await database.schema(PolicySetEnvironment.schema).delete()
        try await database.schema(PolicySetVersion.schema).delete()
        try await database.schema(PolicySet.schema).delete()
    }
}
