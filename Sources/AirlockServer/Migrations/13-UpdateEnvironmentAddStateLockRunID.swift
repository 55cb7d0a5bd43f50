import Fluent

/// `environments.state_lock_run_id`: which run's Terraform holds the state lock, so that the server releases
/// the lock of a Terraform it had to kill, and only that one. Locks taken before keep NULL (not a run's).
struct UpdateEnvironmentAddStateLockRunID: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TerraformEnvironment.schema).field("state_lock_run_id", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TerraformEnvironment.schema).deleteField("state_lock_run_id").update()
    }
}
