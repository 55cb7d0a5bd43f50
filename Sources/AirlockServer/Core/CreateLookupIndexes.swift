import Fluent
import SQLKit

/// The indexes that keep every page, API read and worker query off full scans of the tables that grow with
/// history (runs, their events, audits, deliveries), each named for the query it serves. Foreign keys that
/// cascade get one too: PostgreSQL does not index them by itself, and a delete would scan the child table.
struct CreateLookupIndexes: AsyncMigration {
    struct Index {
        let name: String
        let table: String
        let columns: [String]
    }

    static let indexes: [Index] = [
        // The queue's claim (queued runs, oldest first) and the recovery of expired leases (executing runs).
        Index(name: "runs_by_state", table: Run.schema, columns: [Run.columnName(\.$state), Run.columnName(\.$queuedAt)]),
        // Deleting a configuration version (retention) deletes its runs.
        Index(name: "runs_by_configuration_version", table: Run.schema, columns: [Run.columnName(\.$configurationVersion.$id)]),
        // A run's history.
        Index(name: "run_events_by_run", table: RunEvent.schema, columns: [RunEvent.columnName(\.$run.$id), RunEvent.columnName(\.$at)]),
        // The environment's audit, newest first; a user's failures in the window; a run phase's newest attempt.
        Index(name: "mfa_authentications_by_environment", table: MFAAuthentication.schema,
              columns: [MFAAuthentication.columnName(\.$environment.$id), MFAAuthentication.columnName(\.$at)]),
        Index(name: "mfa_authentications_by_user", table: MFAAuthentication.schema,
              columns: [MFAAuthentication.columnName(\.$environment.$id), MFAAuthentication.columnName(\.$username), MFAAuthentication.columnName(\.$at)]),
        Index(name: "mfa_authentications_by_run", table: MFAAuthentication.schema,
              columns: [MFAAuthentication.columnName(\.$runID), MFAAuthentication.columnName(\.$phase), MFAAuthentication.columnName(\.$at)]),
        // The newest configuration of an environment.
        Index(name: "configuration_versions_by_upload", table: ConfigurationVersion.schema,
              columns: [ConfigurationVersion.columnName(\.$environment.$id), ConfigurationVersion.columnName(\.$uploadedAt)]),
        // A deleted run's state versions keep their state (run_id set null).
        Index(name: "state_versions_by_run", table: StateVersion.schema, columns: [StateVersion.columnName(\.$run.$id)]),
        // The sender's claim (due pending deliveries) and a destination's deliveries for its owners.
        Index(name: "notification_deliveries_due", table: NotificationDelivery.schema,
              columns: [NotificationDelivery.columnName(\.$status), NotificationDelivery.columnName(\.$nextAttemptAt)]),
        Index(name: "notification_deliveries_by_destination", table: NotificationDelivery.schema,
              columns: [NotificationDelivery.columnName(\.$destination.$id), NotificationDelivery.columnName(\.$createdAt)]),
        // A user's organizations and tokens (every authenticated page and API call reads the memberships).
        Index(name: "memberships_by_user", table: Membership.schema, columns: [Membership.columnName(\.$user.$id)]),
        Index(name: "api_tokens_by_user", table: APIToken.schema, columns: [APIToken.columnName(\.$user.$id)]),
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
