import Fluent

/// The four-eyes settings of an environment: `environments.approver_must_differ` (the person who queued a run
/// may not approve its apply) and `environments.required_approvals` (distinct people who approve before the
/// apply starts). NULL on rows from before: anyone may approve, one approval.
struct UpdateEnvironmentAddApprovalRules: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await database.schema(TerraformEnvironment.schema).field("approver_must_differ", .bool).update()
        try await database.schema(TerraformEnvironment.schema).field("required_approvals", .int).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TerraformEnvironment.schema).deleteField("required_approvals").update()
        try await database.schema(TerraformEnvironment.schema).deleteField("approver_must_differ").update()
    }
}
