import Fluent

/// Step-up at approval: each environment's rule (`approval_sign_in_minutes`, `approval_needs_provider_mfa`), the
/// audit's record of what the identity provider said (`mfa_authentications.identity_proof`), and the `max_age` a
/// pending sign-in asked the provider for.
struct UpdateForApprovalStepUp: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        try await database.schema(TerraformEnvironment.schema).field("approval_sign_in_minutes", .int).update()
        try await database.schema(TerraformEnvironment.schema).field("approval_needs_provider_mfa", .bool).update()
        try await database.schema(MFAAuthentication.schema).field("identity_proof", .string).update()
        try await database.schema(PendingSignIn.schema).field("max_age", .int).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PendingSignIn.schema).deleteField("max_age").update()
        try await database.schema(MFAAuthentication.schema).deleteField("identity_proof").update()
        try await database.schema(TerraformEnvironment.schema).deleteField("approval_needs_provider_mfa").update()
        try await database.schema(TerraformEnvironment.schema).deleteField("approval_sign_in_minutes").update()
    }
}
