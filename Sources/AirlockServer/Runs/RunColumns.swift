import Fluent
import Foundation
import SQLKit

/// Single-column updates of a run outside its state transitions.
enum RunColumns {
    /// Sets `column` to NULL (e.g. credentials taken by the worker, so they are used once).
    static func clear(_ column: String, of runID: UUID, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw RunEngineError.notSQL }
        try await sql.update(Run.schema).set(SQLIdentifier(column), to: SQLLiteral.null).where("id", .equal, runID).run()
    }
}
