import Fluent
import Foundation
import SQLKit

/// The run queue, kept in the database so that every server sharing it takes part: a worker claims a queued
/// run whose environment has no earlier unfinished run (the environment lock) and that does not wait for an MFA
/// code (`Run.waitsForCode`), holds a lease on it while it works, and a run whose lease runs out
/// (its server died) is marked errored.
///
/// Workers are shared fairly between organizations: of the runs that may start, the claim takes one of the
/// organization with the fewest runs executing now (across every server), the oldest first; and a server with two
/// workers or more keeps its last free one for an organization that executes nothing (`keepingAWorkerFree`), so
/// one tenant's many or long runs never hold every worker while another tenant's next run waits. An operator can
/// also cap the runs one organization executes at once (`organizationLimit`).
/// On PostgreSQL the claim skips rows another server is claiming (`FOR UPDATE SKIP LOCKED`); on SQLite
/// the single claiming statement is atomic. Either way no run is executed twice.
struct RunQueue: Sendable {
    /// A run a worker now executes.
    struct Claim: Sendable {
        let runID: UUID
        let phase: RunPhase
    }

    let database: any Database
    let workerID: String
    let leaseDuration: TimeInterval
    /// The most runs one organization executes at once, on all servers together; nil for no cap.
    var organizationLimit: Int? = nil

    /// Claims the next run, or nil when none may start now.
    /// - Parameter keepingAWorkerFree: the claim is for the server's last free worker: only a run of an
    ///   organization that executes nothing now may take it (unless the server has a single organization).
    func claimNext(keepingAWorkerFree: Bool = false) async throws -> Claim? {
        let sql = try database.sql
        let skipLocked: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let queued = RunState.queued.map(\.rawValue)
        let now = Date().timeIntervalSince1970
        let (id, state, environment) = (Run.column(\.$id), Run.column(\.$state), Run.column(\.$environment.$id))
        let (leaseOwner, leaseExpiresAt, queuedAt) = (Run.column(\.$leaseOwner), Run.column(\.$leaseExpiresAt), Run.column(\.$queuedAt))
        let runs = SQLIdentifier(Run.schema)
        let (environments, environmentID, organization) = (SQLIdentifier(TerraformEnvironment.schema), TerraformEnvironment.column(\.$id),
                                                            TerraformEnvironment.column(\.$organization.$id))
        let executing = RunState.executing.map(\.rawValue)
        // How many runs the candidate's organization executes now.
        let organizationLoad: SQLQueryString = """
            (SELECT COUNT(*) FROM \(runs) x WHERE x.\(state) IN (\(binds: executing)) AND x.\(environment) IN (
               SELECT e.\(environmentID) FROM \(environments) e WHERE e.\(organization) = (
                 SELECT f.\(organization) FROM \(environments) f WHERE f.\(environmentID) = r.\(environment))))
            """
        let capped: SQLQueryString = organizationLimit.map { " AND \(organizationLoad) < \(bind: $0)" } ?? ""
        let kept: SQLQueryString = keepingAWorkerFree
            ? " AND (\(organizationLoad) = 0 OR (SELECT COUNT(*) FROM \(ident: Organization.schema)) < 2)" : ""
        let query: SQLQueryString = """
            UPDATE \(runs) SET \(state) = CASE WHEN \(state) = \(bind: RunState.pending.rawValue) THEN \(bind: RunState.planning.rawValue) ELSE \(bind: RunState.applying.rawValue) END,
              \(leaseOwner) = \(bind: workerID), \(leaseExpiresAt) = \(bind: now + leaseDuration)
            WHERE \(id) = (
              SELECT r.\(id) FROM \(runs) r
              WHERE \(Self.mayStart(at: now))\(capped)\(kept)
              ORDER BY \(organizationLoad), r.\(queuedAt) LIMIT 1\(skipLocked))
            AND \(state) IN (\(binds: queued))
            RETURNING \(id), \(state)
            """
        guard let row = try await sql.raw(query).first() else { return nil }
        let runID = try row.decode(column: id.string, as: UUID.self)
        let claimed = try row.decode(column: state.string, as: String.self)
        let phase: RunPhase = claimed == RunState.planning.rawValue ? .plan : .apply
        try await RunEvent(runID: runID, from: phase == .plan ? .pending : .applyQueued, to: phase == .plan ? .planning : .applying,
                           actor: "airlock", note: "Started by worker \(workerID)").save(on: database)
        return Claim(runID: runID, phase: phase)
    }

    /// The rule of which runs a worker may start at `now`, on the runs table aliased `r`: a queued run whose
    /// environment has no earlier unfinished run (the environment lock) and that does not wait for an MFA token code
    /// (`Run.waitsForCode`: a phase whose level needs a code, without a grant that still lets it start).
    static func mayStart(at now: Double = Date().timeIntervalSince1970) -> SQLQueryString {
        let (state, environment, number) = (Run.column(\.$state), Run.column(\.$environment.$id), Run.column(\.$number))
        let (mfaLevel, planStartBy, applyStartBy) = (Run.column(\.$storedMFALevel), Run.column(\.$planStartBy), Run.column(\.$applyStartBy))
        let planCodeLevels = MFALevel.allCases.filter { $0.requiresMFA(for: .plan) }.map(\.rawValue)
        let applyCodeLevels = MFALevel.allCases.filter { $0.requiresMFA(for: .apply) }.map(\.rawValue)
        return """
            r.\(state) IN (\(binds: RunState.queued.map(\.rawValue)))
            AND (r.\(state) <> \(bind: RunState.pending.rawValue) OR COALESCE(r.\(planStartBy), 0) > \(bind: now)
                 OR COALESCE(r.\(mfaLevel), \(bind: MFALevel.never.rawValue)) NOT IN (\(binds: planCodeLevels)))
            AND (r.\(state) <> \(bind: RunState.applyQueued.rawValue) OR COALESCE(r.\(applyStartBy), 0) > \(bind: now)
                 OR COALESCE(r.\(mfaLevel), \(bind: MFALevel.never.rawValue)) NOT IN (\(binds: applyCodeLevels)))
            AND NOT EXISTS (SELECT 1 FROM \(ident: Run.schema) o WHERE o.\(environment) = r.\(environment) AND o.\(number) < r.\(number)
                            AND o.\(state) IN (\(binds: RunState.active.map(\.rawValue))))
            """
    }

    /// Extends the lease. Returns whether a cancel was requested, or nil if the lease was lost (the run was
    /// recovered as errored by another server).
    func renew(_ runID: UUID) async throws -> Bool? {
        let rows = try await database.sql.update(Run.schema).set(Run.column(\.$leaseExpiresAt), to: SQLBind(Date().timeIntervalSince1970 + leaseDuration))
            .where(Run.column(\.$id), .equal, SQLBind(runID)).where(Run.column(\.$leaseOwner), .equal, SQLBind(workerID))
            .where(Run.column(\.$state), .in, SQLBind.group(RunState.executing.map(\.rawValue)))
            .returning(Run.column(\.$cancelRequested)).all()
        return try rows.first?.decode(column: Run.column(\.$cancelRequested).string, as: Bool.self)
    }

    /// Marks errored every executing run whose lease ran out before `deadline` (by default now), frees the Terraform
    /// state lock it held, and says why in its log. Returns how many it recovered.
    @discardableResult
    func recoverExpired(before deadline: Double = Date().timeIntervalSince1970) async throws -> Int {
        let rows = try await database.sql.select().column(Run.column(\.$id)).column(Run.column(\.$state)).column(Run.column(\.$environment.$id))
            .from(Run.schema)
            .where(Run.column(\.$state), .in, SQLBind.group(RunState.executing.map(\.rawValue)))
            .where(Run.column(\.$leaseExpiresAt), .lessThan, SQLBind(deadline))
            .all()
        var recovered = 0
        for row in rows {
            let runID = try row.decode(column: Run.column(\.$id).string, as: UUID.self)
            let environmentID = try row.decode(column: Run.column(\.$environment.$id).string, as: UUID.self)
            guard let state = RunState(rawValue: try row.decode(column: Run.column(\.$state).string, as: String.self)) else { continue }
            let phase = state == .planning ? "plan" : "apply"
            let reason = "The server running this \(phase) stopped before it finished; the run was marked errored. Queue a new plan."
            guard try await RunTransition.move(runID, from: [state], to: .errored, actor: "airlock", note: reason,
                                               changes: RunChanges.error(reason).merging(.phaseEnded), on: database) else { continue }
            try await StateLocks.release(heldBy: runID, in: environmentID, on: database)
            let log = try await RunLogWriter(runID: runID, phase: state == .planning ? .plan : .apply, secrets: [], maximumBytes: 1 << 20,
                                             database: database)
            await log.note(reason)
            try await log.finish()
            recovered += 1
        }
        return recovered
    }
}
