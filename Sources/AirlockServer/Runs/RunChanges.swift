import Fluent
import Foundation
import SQLKit

/// Columns of a run written together with a state transition, named by the model's own properties (so
/// renaming a field of `Run` breaks this at compile time, not at run time).
struct RunChanges: Sendable {
    private(set) var assignments: [(column: SQLIdentifier, value: any SQLExpression)] = []

    /// Also sets `field` to `value`.
    func set<Value: Codable & Sendable>(_ field: KeyPath<Run, FieldProperty<Run, Value>>, to value: Value) -> RunChanges {
        adding(Run.column(field), SQLBind(value))
    }

    /// Also sets the optional `field` to `value` (nil clears it). The value itself is bound, not an
    /// `Optional` of it, which a database driver may encode differently (SQLite: as JSON text).
    func set<Value: Codable & Sendable>(_ field: KeyPath<Run, OptionalFieldProperty<Run, Value>>, to value: Value?) -> RunChanges {
        adding(Run.column(field), value.map { SQLBind($0) } ?? SQLLiteral.null)
    }

    private func adding(_ column: SQLIdentifier, _ value: any SQLExpression) -> RunChanges {
        var changes = self
        changes.assignments.append((column, value))
        return changes
    }
}

extension RunChanges {
    /// What ends with every phase, whatever ended it: the worker's lease, the state backend's token, a
    /// pending cancel, and any sealed credentials (none outlives its phase).
    static let phaseEnded = RunChanges().set(\.$leaseOwner, to: nil).set(\.$backendTokenHash, to: nil).set(\.$cancelRequested, to: false)
        .set(\.$planCredentialsSealed, to: nil).set(\.$applyCredentialsSealed, to: nil)

    /// The run's error message.
    static func error(_ reason: String) -> RunChanges {
        RunChanges().set(\.$errorMessage, to: reason)
    }

    /// These changes, then `other`'s.
    func merging(_ other: RunChanges) -> RunChanges {
        var changes = self
        changes.assignments += other.assignments
        return changes
    }
}
