import Fluent
import SQLKit

/// A statement written as SQL, with `?` where each bound value goes, parsed once and sent through
/// `SQLDatabase.raw` with its binds in order (SQLite's and PostgreSQL's placeholders alike). For the statements
/// every authenticated request asks: Fluent reflects on every model it decodes and SQLKit's builder quotes every
/// identifier again on each call, which on the API's hottest path was a quarter of the server's time (perf,
/// Benchmarks/README.md's API figures). Identifiers are written quoted, as both databases read them.
struct SQLStatement: Sendable {
    private let pieces: [String]

    init(_ text: String) {
        pieces = text.split(separator: "?", omittingEmptySubsequences: false).map(String.init)
    }

    /// The statement with `binds` in place of its `?`s, one each, in order.
    func query(_ binds: [any Encodable & Sendable]) -> SQLQueryString {
        precondition(binds.count == pieces.count - 1, "\(pieces.count - 1) placeholders, \(binds.count) values")
        var query: SQLQueryString = "\(unsafeRaw: pieces[0])"
        for (bind, piece) in zip(binds, pieces.dropFirst()) {
            query = query + "\(bind: bind)\(unsafeRaw: piece)"
        }
        return query
    }

    func first(_ binds: [any Encodable & Sendable], on database: any Database) async throws -> (any SQLRow)? {
        try await database.sql.raw(query(binds)).first()
    }
}
