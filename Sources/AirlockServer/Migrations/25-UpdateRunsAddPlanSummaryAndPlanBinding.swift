import Fluent

/// What an approval is bound to: `runs.plan_summary` (what the saved plan does, shown to approvers) and the
/// saved plan's SHA-256 on each approval (`run_approvals.plan_sha256`) and apply authentication
/// (`mfa_authentications.plan_sha256`). Older rows keep NULL.
struct UpdateRunsAddPlanSummaryAndPlanBinding: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await database.schema(Run.schema).field("plan_summary", .string).update()
        try await database.schema(RunApproval.schema).field("plan_sha256", .string).update()
        try await database.schema(MFAAuthentication.schema).field("plan_sha256", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MFAAuthentication.schema).deleteField("plan_sha256").update()
        try await database.schema(RunApproval.schema).deleteField("plan_sha256").update()
        try await database.schema(Run.schema).deleteField("plan_summary").update()
    }
}
