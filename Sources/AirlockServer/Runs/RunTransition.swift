import Fluent
import Foundation
import SQLKit

/// Moves a run between states atomically: the move happens only if the run is still in one of the
/// expected states (another server or request may have moved it meanwhile), and it is recorded as a
/// `RunEvent` in the same transaction.
enum RunTransition {
    /// Moves `runID` from one of `from` to `to`; returns false if the run was not in `from`.
    /// `columns` are further columns to set in the same update.
    @discardableResult
    static func move(_ runID: UUID, from: [RunState], to: RunState, actor: String, note: String? = nil,
                     columns: [String: any Encodable & Sendable] = [:], on database: any Database) async throws -> Bool {
        precondition(from.allSatisfy { $0.successors.contains(to) }, "\(from) → \(to) is not a run transition")
        return try await database.transaction { database in
            guard let sql = database as? any SQLDatabase else { throw RunEngineError.notSQL }
            var update = sql.update(Run.schema).set("state", to: to.rawValue)
            for (column, value) in columns { update = update.set(SQLIdentifier(column), to: SQLBind(value)) }
            let rows = try await update.where("id", .equal, runID).where("state", .in, from.map(\.rawValue))
                .returning("state").all()
            guard !rows.isEmpty else { return false }
            let previous = try await RunEvent.query(on: database).filter(\.$run.$id == runID).sort(\.$at, .descending).first()
            try await RunEvent(runID: runID, from: previous.flatMap { RunState(rawValue: $0.toState) }, to: to, actor: actor, note: note)
                .save(on: database)
            return true
        }
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
