import AirlockServer
import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import Vapor

/// A database of a test's own: an SQLite file in the test's folder, or, when `AIRLOCK_TEST_POSTGRES_URL`
/// names a PostgreSQL server (as `scripts/test.sh` sets it for its second pass), a fresh database there,
/// created and dropped over PostgreSQL's own protocol (no `psql` process).
public struct ScratchDatabase: Sendable {
    /// What `configure` opens.
    public let choice: DatabaseChoice
    private let server: String?
    private let name: String?

    /// Creates the database for a test whose files live in `folder`.
    public static func make(in folder: URL) async throws -> ScratchDatabase {
        guard let server = ProcessInfo.processInfo.environment["AIRLOCK_TEST_POSTGRES_URL"], !server.isEmpty,
              var components = URLComponents(string: server) else {
            return ScratchDatabase(choice: .sqlite(path: folder.appendingPathComponent("airlock.sqlite").path), server: nil, name: nil)
        }
        let name = "airlock_unit_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await administer(server) { try await $0.raw("CREATE DATABASE \(ident: name)").run() }
        components.path = "/" + name
        guard let url = components.string else { throw ScratchDatabaseError(description: "Cannot build a database URL from \(server)") }
        return ScratchDatabase(choice: .postgres(url: url), server: server, name: name)
    }

    /// Whether this is the PostgreSQL pass.
    public var isPostgreSQL: Bool { server != nil }

    /// Drops the PostgreSQL database (SQLite's file goes with the test's folder).
    public func drop() async throws {
        guard let server, let name else { return }
        try await Self.administer(server) { try await $0.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run() }
    }

    /// Runs `body` on a connection to the server's own database.
    private static func administer(_ server: String, _ body: @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let app = try await Application.make(.testing)
        do {
            app.databases.use(try .postgres(url: server), as: .psql)
            guard let sql = app.db as? any SQLDatabase else { throw ScratchDatabaseError(description: "PostgreSQL without SQL") }
            try await body(sql)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

/// A scratch database that could not be made.
public struct ScratchDatabaseError: Error, CustomStringConvertible {
    public let description: String
}
