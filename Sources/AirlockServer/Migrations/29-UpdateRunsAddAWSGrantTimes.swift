import Fluent
import SQLKit

/// Credentials that last the phase: `environments.aws_session_hours` (how long a phase's AWS credentials hold; NULL:
/// one hour), `runs.plan_start_by`/`apply_start_by` (when a phase's grant from a code stops letting it start) and
/// `runs.plan_credentials_until`/`apply_credentials_until` (until when a started phase's credentials hold). Grants
/// sealed before this release hold plain session credentials: they are removed, and their runs wait for a new code.
struct UpdateRunsAddAWSGrantTimes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await database.schema(TerraformEnvironment.schema).field("aws_session_hours", .int).update()
        for column in ["plan_start_by", "apply_start_by", "plan_credentials_until", "apply_credentials_until"] {
            try await database.schema(Run.schema).field(.string(column), .double).update()
        }
        try await database.sql.update(Run.schema).set("plan_credentials_sealed", to: SQLLiteral.null)
            .set("apply_credentials_sealed", to: SQLLiteral.null).run()
    }

    func revert(on database: any Database) async throws {
        for column in ["apply_credentials_until", "plan_credentials_until", "apply_start_by", "plan_start_by"] {
            try await database.schema(Run.schema).deleteField(.string(column)).update()
        }
        try await database.schema(TerraformEnvironment.schema).deleteField("aws_session_hours").update()
    }
}
