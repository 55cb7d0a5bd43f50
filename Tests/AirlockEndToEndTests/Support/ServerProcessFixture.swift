import AirlockServer
import AirlockTesting
import Foundation
import Testing

/// A real `airlock serve` for the end-to-end suites: a data folder of its own, the users olivia (owner of
/// acme), mario (member of acme) and otto (owner of other) made in one call on its database, and helpers to start
/// servers on it, call their API and read their database.
struct ServerProcessFixture {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-orgs-\(UUID().uuidString)")
    /// More of the servers' environment (e.g. `SSL_CERT_FILE` for runs of a server with a private CA).
    var extraEnvironment: [String: String] = [:]
    /// A command the server is started through (e.g. `ip netns exec NAME`), or none.
    var launchPrefix: [String] = []
    var environment: [String: String] {
        extraEnvironment.merging(["PATH": PythonInstallation.path(ProcessInfo.processInfo.environment["PATH"]), "HOME": data.path]) { $1 }
    }

    /// Users olivia (owner of acme, a server administrator), mario (member of acme) and otto (owner of other), with
    /// tokens; a running server.
    func withServer(keepData: Bool = false, _ body: (_ base: String, _ tokens: [String: String], _ database: TestDatabase) async throws -> Void) async throws {
        let database = try await TestDatabase.make()
        defer { if !keepData { try? FileManager.default.removeItem(at: data) } }
        do {
            let tokens = try await prepareUsers(database)
            let (server, base) = try await startServer(database)
            do {
                try await body(base + "/api/v1", tokens, database)
            } catch {
                _ = await server.stop()
                throw error
            }
            #expect(await server.stop() == 0)
        } catch {
            await database.drop()
            throw error
        }
        await database.drop()
    }

    static let password = "a long enough password"

    /// Creates olivia (owner of acme), mario (member of acme) and otto (owner of other), each with an API
    /// token and the password `password`: in one call on the server's database, through the same domain
    /// functions `airlock admin` runs (`AdminAndTokenTests` tests the commands themselves).
    func prepareUsers(_ database: TestDatabase) async throws -> [String: String] {
        try await AirlockServer.withDatabase(ServerConfiguration(dataDirectory: data, databaseURL: database.url)) { db in
            var tokens: [String: String] = [:]
            for user in ["olivia", "mario", "otto"] {
                // olivia is also one of the server's administrators (who create organizations).
                _ = try await Accounts.createUser(username: user, password: Self.password, administrator: user == "olivia", on: db)
                tokens[user] = try await Accounts.issueToken(username: user, name: "cli", on: db)  // as `airlock admin create-token` names it
            }
            try await Organizations.create(name: "acme", ownerUsername: "olivia", on: db)
            try await Organizations.create(name: "other", ownerUsername: "otto", on: db)
            try await Organizations.setMember("mario", role: "member", in: "acme", on: db)
            return tokens
        }
    }

    /// Starts `airlock serve` on a free port over the data folder and database; returns it and its base URL.
    func startServer(_ database: TestDatabase, arguments: [String] = []) async throws -> (RunningProcess, String) {
        let command = launchPrefix + [AirlockBinary.path, "serve", "--data-dir", data.path, "--port", "0"] + database.arguments
            + (arguments.contains("--unsandboxed-runs") ? [] : PythonInstallation.serveArguments) + arguments
        let server = try RunningProcess(command[0], Array(command.dropFirst()), environment: environment)
        let printed = try await server.waitFor("Airlock listening on")
        guard let range = printed.range(of: #"https?://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
            _ = await server.stop()
            throw TestServerError.didNotStart("airlock serve", output: printed)
        }
        return (server, String(printed[range]))
    }

    /// Runs `query` on the server's database (sqlite3 on the data folder's file, or psql); returns its output.
    func sql(_ query: String, database: TestDatabase) async throws -> String {
        if database.url != nil {
            return try await database.query(query).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let result = try await CommandRunner.run("/usr/bin/env", ["sqlite3", "-cmd", ".timeout 10000", data.appendingPathComponent("airlock.sqlite").path, query],
                                                 environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        guard result.status == 0 else { throw TestServerError.didNotStart("sqlite3", output: result.stderr) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func call(_ base: String, _ method: String, _ path: String, as token: String?, json: String? = nil) async throws -> LocalHTTP.Response {
        let url = base.hasSuffix("/api/v1") ? base + path : base + "/api/v1" + path
        return try await LocalHTTP.send(method, url, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [], json: json)
    }
}
