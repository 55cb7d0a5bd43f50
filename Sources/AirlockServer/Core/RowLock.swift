import Fluent
import Foundation
import SQLKit

/// Row locks for read-check-write sequences inside a transaction. PostgreSQL takes `SELECT ... FOR UPDATE`;
/// SQLite needs none, since it lets one writer at a time into the database.
enum RowLock {
    /// Locks the row `id` of `table` until the transaction `database` belongs to ends.
    static func lock(_ table: String, id: UUID, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: id) FOR UPDATE").run()
    }
}
