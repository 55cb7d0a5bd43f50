import Fluent

/// `environments.require_personal_mfa_device`: whether codes for the environment must come from the person's own
/// registered device (the organization's shared serial is refused). NULL on rows from before: not required.
struct UpdateEnvironmentAddRequirePersonalMFADevice: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TerraformEnvironment.schema).field("require_personal_mfa_device", .bool).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TerraformEnvironment.schema).deleteField("require_personal_mfa_device").update()
    }
}
