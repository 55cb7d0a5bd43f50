import Fluent

/// What runs started by Terraform's own CLI carry: `runs.plan_only` (a speculative plan, `terraform plan`:
/// it ends planned and finished, never appliable) and `runs.auto_apply` (`terraform apply -auto-approve`:
/// confirmed for its creator once planned, where the apply needs no MFA code) and `runs.is_destroy`
/// (`terraform destroy`: a plan made with `-destroy`). Older runs keep NULL (none of these).
struct UpdateRunAddTerraformCLIFields: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await database.schema(Run.schema).field("plan_only", .bool).update()
        try await database.schema(Run.schema).field("auto_apply", .bool).update()
        try await database.schema(Run.schema).field("is_destroy", .bool).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Run.schema).deleteField("is_destroy").update()
        try await database.schema(Run.schema).deleteField("auto_apply").update()
        try await database.schema(Run.schema).deleteField("plan_only").update()
    }
}
