import AirlockAWS
import AirlockServer
import AirlockTesting
import Fluent
import Foundation
import NIOPosix
import Synchronization
import Vapor
import VaporTesting

/// An Airlock server configured in this process, answering through Vapor's in-memory testing (no socket,
/// no process), on a database of its own (`ScratchDatabase`), a clock the test moves and, on request, the
/// project's test STS on loopback. Users olivia (owner of acme), mario (member of acme) and otto (owner of
/// other), each with an API token.
public struct ServerFixture: Sendable {
    public static let users = ["olivia", "mario", "otto"]
    public static let password = "a long enough password"

    public let app: Application
    public let database: ScratchDatabase
    public let clock: TestClock
    /// The test STS, when the fixture was made with one; otherwise STS is an address nothing answers on.
    public let sts: TestSTS?
    /// API tokens by user name.
    public let tokens: [String: String]

    /// Runs `body` on a fresh server, then shuts it down and drops its database.
    /// olivia is one of the server's administrators. `clockRuns`: the server's clock goes with the machine's (for peers
    /// that stamp real times, such as an OpenID provider's tokens); it stands still otherwise.
    public static func with(sts withSTS: Bool = false, organizationCreators: OrganizationCreators = .administrators,
                            signIn: SignInPolicy = SignInPolicy(), clockRuns: Bool = false, _ body: @Sendable (ServerFixture) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await ScratchDatabase.make(in: folder)
        let sts = withSTS ? try await TestSTS.start(directory: .reference()) : nil
        // Codes are read from the test STS itself: with its clock stopped, no wait of a loaded machine expires one.
        await sts?.engine.freezeClock()
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        // A thread pool of the app's own, as a server process has: SQLite's statements run on it, and a
        // writer waiting for SQLite's lock spins on its thread. Apps of parallel tests sharing the process's
        // two-thread pool could each hold a thread that way and starve the writers that hold the locks.
        app.threadPool = NIOThreadPool(numberOfThreads: 2)
        do {
            let clock = TestClock(running: clockRuns)
            let endpoint = sts?.endpoint ?? URL(string: "http://127.0.0.1:9")!  // the discard port: nothing answers
            // Without a test STS nothing answers, so a second's connect timeout says so quickly. With one, the connect must
            // not race a loaded machine: the test STS answers on this process's own event loops, which parallel tests keep
            // busy (a 1 s timeout once made a wrong code "STS unreachable" in NotificationTests, beside two CPU hogs).
            let connectTimeout: Duration = sts == nil ? .seconds(1) : .seconds(60)
            try await configure(app, database: database.choice, secrets: try SecretBox.load(dataDirectory: folder, environment: [:]),
                                aws: AWSAccess(endpoint: endpoint, region: "us-east-1",
                                               client: AWSQueryClient(configuration: .init(connectTimeout: connectTimeout, requestTimeout: .seconds(120)))),
                                clock: clock.serverClock, organizationCreators: organizationCreators, signIn: signIn)
            let fixture = ServerFixture(app: app, database: database, clock: clock, sts: sts, tokens: try await seed(app))
            try await body(fixture)
        } catch {
            try? await app.asyncShutdown()
            try? await sts?.stop()
            try? await database.drop()
            throw error
        }
        try await app.asyncShutdown()
        try await sts?.stop()
        try await database.drop()
    }

    /// Creates the three users, their tokens and the two organizations.
    private static func seed(_ app: Application) async throws -> [String: String] {
        var tokens: [String: String] = [:]
        for user in users {
            _ = try await Accounts.createUser(username: user, password: password, hashCost: 4, administrator: user == "olivia",
                                              on: app.db)  // fast; the rules are the same
            tokens[user] = try await Accounts.issueToken(username: user, name: "tests", on: app.db)
        }
        try await Organizations.create(name: "acme", ownerUsername: "olivia", on: app.db)
        try await Organizations.create(name: "other", ownerUsername: "otto", on: app.db)
        try await Organizations.setMember("mario", role: "member", in: "acme", on: app.db)
        return tokens
    }

    /// Sends a request to `/api/v1` + `path` with `user`'s token (nil: anonymous) and a JSON body.
    public func call(_ method: HTTPMethod, _ path: String, as user: String?, json: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let user, let token = tokens[user] { headers.bearerAuthorization = BearerAuthorization(token: token) }
        if json != nil { headers.contentType = .json }
        headers.add(name: .accept, value: "application/json")
        return try await app.testing().sendRequest(method, "/api/v1" + path, headers: headers,
                                                  body: json.map { ByteBuffer(string: $0) })
    }

    /// Sends `json` built from a dictionary.
    public func call(_ method: HTTPMethod, _ path: String, as user: String?, object: [String: any Sendable]) async throws -> TestingHTTPResponse {
        let data = try JSONSerialization.data(withJSONObject: object)
        return try await call(method, path, as: user, json: String(decoding: data, as: UTF8.self))
    }
}

extension ServerFixture {
    /// What `read` finds in a freshly configured app's routes.
    public static func routes<T: Sendable>(_ read: @escaping @Sendable (Application) -> T) async throws -> T {
        let result = Mutex<T?>(nil)
        try await with { fixture in result.withLock { $0 = read(fixture.app) } }
        guard let value = result.withLock({ $0 }) else { throw ScratchDatabaseError(description: "The fixture did not run.") }
        return value
    }
}
