import Fluent
import Foundation
import SQLKit

/// The run queue, kept in the database so that every server sharing it takes part: a worker claims the
/// oldest queued run whose environment has no earlier unfinished run (the environment lock), holds a
/// lease on it while it works, and a run whose lease runs out (its server died) is marked errored.
/// On PostgreSQL the claim skips rows another server is claiming (`FOR UPDATE SKIP LOCKED`); on SQLite
/// the single claiming statement is atomic. Either way no run is executed twice.
struct RunQueue: Sendable {
    /// A run a worker now executes.
    struct Claim: Sendable {
        let runID: UUID
        let phase: RunLogChunk.Phase
    }

    let database: any Database
    let workerID: String
    let leaseDuration: TimeInterval

    private var sql: any SQLDatabase {
        get throws {
            guard let sql = database as? any SQLDatabase else { throw RunEngineError.notSQL }
            return sql
        }
    }

    /// Claims the next run, or nil when none may start now.
    func claimNext() async throws -> Claim? {
        let sql = try sql
        let skipLocked: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let active = RunState.active.map(\.rawValue)
        let queued = RunState.queued.map(\.rawValue)
        let now = Date().timeIntervalSince1970
        let query: SQLQueryString = """
            UPDATE runs SET state = CASE WHEN state = \(bind: RunState.pending.rawValue) THEN \(bind: RunState.planning.rawValue) ELSE \(bind: RunState.applying.rawValue) END,
              lease_owner = \(bind: workerID), lease_expires_at = \(bind: now + leaseDuration)
            WHERE id = (
              SELECT r.id FROM runs r
              WHERE r.state IN (\(binds: queued))
                AND NOT EXISTS (SELECT 1 FROM runs o WHERE o.environment_id = r.environment_id AND o.number < r.number
                                AND o.state IN (\(binds: active)))
              ORDER BY r.queued_at LIMIT 1\(skipLocked))
            AND state IN (\(binds: queued))
            RETURNING id, state
            """
        guard let row = try await sql.raw(query).first() else { return nil }
        let runID = try row.decode(column: "id", as: UUID.self)
        let state = try row.decode(column: "state", as: String.self)
        let phase: RunLogChunk.Phase = state == RunState.planning.rawValue ? .plan : .apply
        try await RunEvent(runID: runID, from: phase == .plan ? .pending : .applyQueued, to: phase == .plan ? .planning : .applying,
                           actor: "airlock", note: "Started by worker \(workerID)").save(on: database)
        return Claim(runID: runID, phase: phase)
    }

    /// Extends the lease. Returns whether a cancel was requested, or nil if the lease was lost (the run was
    /// recovered as errored by another server).
    func renew(_ runID: UUID) async throws -> Bool? {
        let rows = try await sql.update(Run.schema).set("lease_expires_at", to: Date().timeIntervalSince1970 + leaseDuration)
            .where("id", .equal, runID).where("lease_owner", .equal, workerID)
            .where("state", .in, RunState.executing.map(\.rawValue))
            .returning("cancel_requested").all()
        return try rows.first?.decode(column: "cancel_requested", as: Bool.self)
    }

    /// Marks errored every executing run whose lease ran out before `deadline` (by default now), frees its
    /// environment's Terraform state lock, and says why in its log. Returns how many it recovered.
    @discardableResult
    func recoverExpired(before deadline: Double = Date().timeIntervalSince1970) async throws -> Int {
        let rows = try await sql.select().column("id").column("state").column("environment_id").from(Run.schema)
            .where("state", .in, RunState.executing.map(\.rawValue))
            .where(SQLBinaryExpression(SQLIdentifier("lease_expires_at"), .lessThan, SQLBind(deadline)))
            .all()
        var recovered = 0
        for row in rows {
            let runID = try row.decode(column: "id", as: UUID.self)
            let environmentID = try row.decode(column: "environment_id", as: UUID.self)
            guard let state = RunState(rawValue: try row.decode(column: "state", as: String.self)) else { continue }
            let phase = state == .planning ? "plan" : "apply"
            let reason = "The server running this \(phase) stopped before it finished; the run was marked errored. Queue a new plan."
            guard try await RunTransition.move(runID, from: [state], to: .errored, actor: "airlock", note: reason,
                                               columns: ["error_message": reason, "lease_owner": String?.none,
                                                         "plan_credentials_sealed": String?.none, "apply_credentials_sealed": String?.none],
                                               on: database) else { continue }
            try await TerraformEnvironment.query(on: database).filter(\.$id == environmentID).set(\.$stateLock, to: nil).update()
            let log = try await RunLogWriter(runID: runID, phase: state == .planning ? .plan : .apply, secrets: [], maximumBytes: 1 << 20,
                                             database: database)
            await log.note(reason)
            try await log.finish()
            recovered += 1
        }
        return recovered
    }
}
