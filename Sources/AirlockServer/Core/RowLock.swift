import Fluent
import Foundation
import SQLKit

/// Row locks for read-check-write sequences inside a transaction; call it first in the transaction.
/// PostgreSQL takes `SELECT ... FOR UPDATE`. SQLite locks the whole database for writing instead: the
/// no-op update makes the transaction a writer from its start, so it waits for other writers (SQLite's
/// busy handler) rather than failing with "database is locked" when it would write after reading.
enum RowLock {
    /// Locks the row `id` of `table` until the transaction `database` belongs to ends.
    static func lock(_ table: String, id: UUID, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: id) FOR UPDATE").run()
        } else {
            try await sql.raw("UPDATE \(ident: table) SET id = id WHERE id = \(bind: id)").run()
        }
    }

    /// On SQLite, makes the transaction a writer from its start (see above); on PostgreSQL nothing, where
    /// row locks and unique constraints order writers. Call it first in a transaction that reads, then writes.
    static func writeLock(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name != "postgresql" else { return }
        try await sql.raw("UPDATE users SET id = id WHERE 1 = 0").run()
    }
}
