import AirlockTesting
import AsyncHTTPClient
import Foundation
import Testing

/// A running `airlock serve` with the acme fixture (olivia owner, mario member, otto elsewhere), a real
/// Terraform, and helpers that drive runs through the JSON API.
struct RunWorld {
    let fixture: ServerProcessFixture
    let database: TestDatabase
    let tokens: [String: String]
    let terraform: String
    var server: RunningProcess
    var base: String
    /// The client the API helpers use (one that keeps idle connections shorter than a test's `--idle-timeout`, say).
    var client: HTTPClient = .shared

    /// A short lease (a dead server's run is recovered quickly) that still holds on a busy 2-core machine.
    static let fast = ["--run-lease", "8s", "--cancel-grace-period", "5s"]

    /// Runs `body` with a server; the world is torn down afterwards whatever happens.
    /// - Parameters:
    ///   - environment: more of the server's environment.
    ///   - launchPrefix: a command the server is started through (`ip netns exec NAME`).
    ///   - reach: the address the test reaches the server at, given the one it printed (a bridge into a namespace).
    static func with(_ version: TerraformVersion = .v1_15, serveArguments: [String] = fast, environment: [String: String] = [:],
                     launchPrefix: [String] = [], reach: (String) async throws -> String = { $0 },
                     _ body: (inout RunWorld) async throws -> Void) async throws {
        let database = try await TestDatabase.make()
        var fixture = ServerProcessFixture()
        fixture.extraEnvironment = environment
        fixture.launchPrefix = launchPrefix
        defer { try? FileManager.default.removeItem(at: fixture.data) }
        var world: RunWorld?
        do {
            let tokens = try await fixture.prepareUsers(database)
            let terraform = try await version.executable()
            let (server, printed) = try await fixture.startServer(database, arguments: ["--terraform-bin", terraform] + serveArguments)
            world = RunWorld(fixture: fixture, database: database, tokens: tokens, terraform: terraform, server: server, base: printed)
            world?.base = try await reach(printed)
            _ = try await world!.call("POST", "/organizations/acme/environments", json: #"{"name":"prod"}"#)
            try await body(&world!)
            #expect(await world!.server.stop() == 0)
        } catch {
            if let world {
                _ = await world.server.stop()
                Issue.record("The server's output, for the error below:\n\(Self.excerpt(of: world.server.printed))")
            }
            await database.drop()
            throw error
        }
        await database.drop()
    }

    /// What a failure shows of a server's output: where it crashed (Swift's backtracer prints the crashed thread
    /// first, then every other thread), then its last lines.
    static func excerpt(of printed: String) -> String {
        let crash = ["Fatal error", "Program crashed", "crashed:"].compactMap { printed.range(of: $0)?.lowerBound }.min()
        guard let crash else { return String(printed.suffix(6000)) }
        return String(printed[crash...].prefix(5000)) + "\n[...]\n" + String(printed.suffix(2000))
    }

    /// Starts another server on the same data folder and database (after a crash, or beside this one).
    func startAnotherServer(_ arguments: [String] = fast) async throws -> (RunningProcess, String) {
        try await fixture.startServer(database, arguments: ["--terraform-bin", terraform] + arguments)
    }

    func call(_ method: String, _ path: String, as user: String = "olivia", json: String? = nil, on server: String? = nil) async throws -> LocalHTTP.Response {
        try await LocalHTTP.send(method, (server ?? base) + "/api/v1" + path, headers: [("Authorization", "Bearer \(tokens[user]!)")], json: json,
                                 using: client)
    }

    func upload(_ files: [String: String], to environment: String = "prod", as user: String = "olivia") async throws -> LocalHTTP.Response {
        try await upload(try await TerraformConfiguration.archive(files), to: environment, as: user)
    }

    func upload(_ archive: Data, to environment: String = "prod", in organization: String = "acme", as user: String = "olivia") async throws -> LocalHTTP.Response {
        try await LocalHTTP.send("POST", base + "/api/v1/organizations/\(organization)/environments/\(environment)/configuration-versions",
                                        headers: [("Authorization", "Bearer \(tokens[user]!)")], body: archive, contentType: "application/gzip",
                                        using: client)
    }

    /// Queues a plan; returns the run's id.
    func queue(_ environment: String = "prod", in organization: String = "acme", message: String = "test", as user: String = "olivia",
               on server: String? = nil) async throws -> String {
        let response = try await call("POST", "/organizations/\(organization)/environments/\(environment)/runs", as: user,
                                      json: #"{"message":"\#(message)"}"#, on: server)
        #expect(response.status == 201, "\(response.body)")
        return try Self.field("id", of: response.body) ?? ""
    }

    func run(_ id: String) async throws -> [String: Any] {
        var response = try await call("GET", "/runs/\(id)")
        if response.status == 404 { response = try await call("GET", "/runs/\(id)", as: "otto") }  // a run of the other organization
        return try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any] ?? [:]
    }

    func state(_ id: String) async throws -> String {
        try await run(id)["state"] as? String ?? "?"
    }

    /// Waits until the run is in one of `states`, as long as it makes progress: a new state or event, or
    /// more log, at least every `seconds` (a loaded machine is slow, not stuck).
    @discardableResult
    func waitFor(_ id: String, _ states: Set<String>, seconds: Double = 240) async throws -> String {
        var deadline = ProgressDeadline(stalledAfter: seconds)
        var polls = 0
        var logged = 0
        while true {
            let current = try await run(id)
            let state = current["state"] as? String ?? "?"
            if states.contains(state) { return state }
            if polls % 10 == 0 {  // the logs are larger: read every second and a half
                logged = try await log(id, "plan").utf8.count + log(id, "apply").utf8.count
            }
            polls += 1
            let events = (current["events"] as? [Any])?.count ?? 0
            if !deadline.keepWaiting(seeing: "\(state) \(events) \(logged)") { break }
            try await Task.sleep(for: .milliseconds(150))
        }
        let current = try await run(id)
        Issue.record("run \(id) never reached \(states), and made no progress for \(Int(seconds)) s: \(current)")
        return current["state"] as? String ?? "?"
    }

    /// Waits until the run is `expected` or in one of `others`; anything but `expected` is an issue, shown
    /// with the run and its logs.
    func expect(_ id: String, reaches expected: String, or others: Set<String> = ["errored"],
                sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let reached = try await waitFor(id, others.union([expected]).union(["errored", "canceled", "discarded", "applied", "planned_and_finished"]))
        if reached != expected {
            let details = try await "\(run(id))\n--- plan ---\n\(log(id, "plan"))\n--- apply ---\n\(log(id, "apply"))"
            Issue.record("run reached \(reached), not \(expected): \(details)", sourceLocation: sourceLocation)
        }
    }

    func log(_ id: String, _ phase: String) async throws -> String {
        let response = try await call("GET", "/runs/\(id)/logs/\(phase)")
        return response.status == 404 ? try await call("GET", "/runs/\(id)/logs/\(phase)", as: "otto").body : response.body
    }

    /// Waits until the phase's log holds `text`, as long as the run makes progress (see `waitFor`).
    func waitForLog(_ id: String, _ phase: String, containing text: String, seconds: Double = 240,
                    sourceLocation: SourceLocation = #_sourceLocation) async throws {
        var deadline = ProgressDeadline(stalledAfter: seconds)
        while true {
            let log = try await log(id, phase)
            if log.contains(text) { return }
            let current = try await run(id)
            let progress = "\(current["state"] as? String ?? "?") \((current["events"] as? [Any])?.count ?? 0) \(log.utf8.count)"
            if !deadline.keepWaiting(seeing: progress) { break }
            try await Task.sleep(for: .milliseconds(150))
        }
        Issue.record("the \(phase) log of run \(id) never showed \(text)", sourceLocation: sourceLocation)
    }

    func action(_ id: String, _ action: String, as user: String = "olivia") async throws -> LocalHTTP.Response {
        try await call("POST", "/runs/\(id)/actions/\(action)", as: user)
    }

    /// The events' target states in order.
    func transitions(_ id: String) async throws -> [String] {
        (try await run(id)["events"] as? [[String: Any]] ?? []).compactMap { $0["to"] as? String }
    }

    /// Runs SQL on the server's database (psql on PostgreSQL, sqlite3 on the data folder's SQLite) and
    /// returns its output, trimmed.
    func sql(_ query: String) async throws -> String {
        try await fixture.sql(query, database: database)
    }

    static func field(_ name: String, of json: String) throws -> String? {
        (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?[name] as? String
    }
}
