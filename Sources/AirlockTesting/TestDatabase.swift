import Foundation

/// The database a server test runs on: SQLite in the test's data folder by default, or, when
/// `AIRLOCK_TEST_POSTGRES_URL` names a PostgreSQL server (as `scripts/test.sh` sets it for its second pass),
/// a fresh database of its own there, dropped afterwards.
public struct TestDatabase: Sendable {
    /// The PostgreSQL URL for this test, or nil for SQLite.
    public let url: String?

    public static func make() async throws -> TestDatabase {
        guard let server = ProcessInfo.processInfo.environment["AIRLOCK_TEST_POSTGRES_URL"], !server.isEmpty,
              var components = URLComponents(string: server) else { return TestDatabase(url: nil) }
        let name = "airlock_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        _ = try await psql(server, "CREATE DATABASE \(name)")
        components.path = "/" + name
        return TestDatabase(url: components.string)
    }

    /// `--database-url URL` for `airlock serve` and `airlock admin`, or nothing for SQLite.
    public var arguments: [String] { url.map { ["--database-url", $0] } ?? [] }

    /// Runs SQL and returns psql's unaligned output (PostgreSQL only).
    public func query(_ sql: String) async throws -> String {
        guard let url else { return "" }
        return try await Self.psql(url, sql)
    }

    public func drop() async {
        guard let url, var components = URLComponents(string: url) else { return }
        let name = String(components.path.dropFirst())
        components.path = "/postgres"
        _ = try? await Self.psql(components.string ?? url, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    private static func psql(_ url: String, _ sql: String) async throws -> String {
        let result = try await CommandRunner.run("/usr/bin/env", ["psql", url, "-v", "ON_ERROR_STOP=1", "-tA", "-c", sql],
                                                 environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        guard result.status == 0 else { throw TestServerError.didNotStart("psql", output: result.stderr) }
        return result.stdout
    }
}
