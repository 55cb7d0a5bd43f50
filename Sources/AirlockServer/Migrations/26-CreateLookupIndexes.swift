import Fluent
import SQLKit

/// The indexes that keep every page, API read and worker query off full scans of the tables that grow with
/// history (runs, their events, audits, deliveries), each named for the query it serves. Foreign keys that
/// cascade get one too: PostgreSQL does not index them by itself, and a delete would scan the child table.
/// Tables and columns are named as they were when it shipped, never through today's models.
struct CreateLookupIndexes: AsyncMigration {
    struct Index {
        let name: String
        let table: String
        let columns: [String]
    }

    static let indexes: [Index] = [
        // The queue's claim (queued runs, oldest first) and the recovery of expired leases (executing runs).
        Index(name: "runs_by_state", table: "runs", columns: ["state", "queued_at"]),
        // Deleting a configuration version (retention) deletes its runs.
        Index(name: "runs_by_configuration_version", table: "runs", columns: ["configuration_version_id"]),
        // A run's history.
        Index(name: "run_events_by_run", table: "run_events", columns: ["run_id", "at"]),
        // The environment's audit, newest first; a user's failures in the window; a run phase's newest attempt.
        Index(name: "mfa_authentications_by_environment", table: "mfa_authentications", columns: ["environment_id", "at"]),
        Index(name: "mfa_authentications_by_user", table: "mfa_authentications", columns: ["environment_id", "username", "at"]),
        Index(name: "mfa_authentications_by_run", table: "mfa_authentications", columns: ["run_id", "phase", "at"]),
        // The newest configuration of an environment.
        Index(name: "configuration_versions_by_upload", table: "configuration_versions", columns: ["environment_id", "uploaded_at"]),
        // A deleted run's state versions keep their state (run_id set null).
        Index(name: "state_versions_by_run", table: "state_versions", columns: ["run_id"]),
        // The sender's claim (due pending deliveries) and a destination's deliveries for its owners.
        Index(name: "notification_deliveries_due", table: "notification_deliveries", columns: ["status", "next_attempt_at"]),
        Index(name: "notification_deliveries_by_destination", table: "notification_deliveries", columns: ["destination_id", "created_at"]),
        // A user's organizations and tokens (every authenticated page and API call reads the memberships).
        Index(name: "memberships_by_user", table: "memberships", columns: ["user_id"]),
        Index(name: "api_tokens_by_user", table: "api_tokens", columns: ["user_id"]),
    ]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes {
            var create = sql.create(index: index.name).on(index.table)
            for column in index.columns { create = create.column(column) }
            try await create.run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes.reversed() {
            try await sql.drop(index: index.name).run()
        }
    }
}
