import Fluent
import Foundation
import SQLKit

/// Moves a run between states atomically: the move happens only if the run is still in one of the
/// expected states (another server or request may have moved it meanwhile), and it is recorded as a
/// `RunEvent` in the same transaction.
enum RunTransition {
    /// Moves `runID` from one of `from` to `to`; returns false if the run was not in `from`.
    /// `changes` are written in the same update, so only if the run moves.
    @discardableResult
    static func move(_ runID: UUID, from: [RunState], to: RunState, actor: String, note: String? = nil,
                     changes: RunChanges = RunChanges(), on database: any Database) async throws -> Bool {
        precondition(from.allSatisfy { $0.successors.contains(to) }, "\(from) → \(to) is not a run transition")
        let moved = try await database.transaction { database in
            var update = try database.sql.update(Run.schema).set(Run.column(\.$state), to: SQLBind(to.rawValue))
            for (column, value) in changes.assignments { update = update.set(column, to: value) }
            let rows = try await update.where(Run.column(\.$id), .equal, SQLBind(runID))
                .where(Run.column(\.$state), .in, SQLBind.group(from.map(\.rawValue)))
                .returning(Run.column(\.$state)).all()
            guard !rows.isEmpty else { return false }
            let previous = try await RunEvent.query(on: database).filter(\.$run.$id == runID).sort(\.$at, .descending).first()
            try await RunEvent(runID: runID, from: previous.flatMap { RunState(rawValue: $0.toState) }, to: to, actor: actor, note: note)
                .save(on: database)
            try await Notifications.runMoved(runID, to: to, on: database)
            return true
        }
        if moved { await RunLogBell.shared.ring(runID) }  // followers of its log look again
        return moved
    }
}

/// Failures of the run engine's own machinery (not of Terraform).
enum RunEngineError: Error, CustomStringConvertible {
    case notSQL
    /// The run, its environment or its configuration was deleted while it was being executed.
    case runVanished

    var description: String {
        switch self {
        case .notSQL: "The run queue needs an SQL database (SQLite or PostgreSQL)."
        case .runVanished: "The run, its environment or its configuration version no longer exists."
        }
    }
}
