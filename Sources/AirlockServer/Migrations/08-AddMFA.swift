import Fluent

/// The MFA setting and roles of environments, the credentials an authentication hands to a run, and the
/// audit of authentications.
struct AddMFA: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for field in ["mfa_level", "plan_role_arn", "apply_role_arn"] {
            try await database.schema(TerraformEnvironment.schema).field(.string(field), .string).update()
        }
        for field in ["mfa_level", "plan_credentials_sealed", "apply_credentials_sealed", "plan_authenticated_by", "apply_authenticated_by"] {
            try await database.schema(Run.schema).field(.string(field), .string).update()
        }
        try await database.schema(MFAAuthentication.schema)
            .id()
            .field("environment_id", .uuid, .required, .references(TerraformEnvironment.schema, "id", onDelete: .cascade))
            .field("run_id", .uuid)
            .field("username", .string, .required)
            .field("phase", .string, .required)
            .field("succeeded", .bool, .required)
            .field("sts_request_id", .string)
            .field("error", .string)
            .field("at", .double, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MFAAuthentication.schema).delete()
        for field in ["mfa_level", "plan_credentials_sealed", "apply_credentials_sealed", "plan_authenticated_by", "apply_authenticated_by"] {
            try await database.schema(Run.schema).deleteField(.string(field)).update()
        }
        for field in ["mfa_level", "plan_role_arn", "apply_role_arn"] {
            try await database.schema(TerraformEnvironment.schema).deleteField(.string(field)).update()
        }
    }
}
