@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Logging
import SQLKit
import Synchronization
import Testing
import Vapor

/// No page, API read or worker query scans a table that grows with history: every statement the environment list,
/// an environment's page, a run's page, the runs list, the queue and the notification sender run is captured from
/// the database's query log and put through SQLite's `EXPLAIN QUERY PLAN`. (SQLite plans as if tables were large
/// when it has no statistics, so a handful of rows shows what 20,000 runs would get; the same indexes exist on
/// PostgreSQL, whose figures the scale benchmark measures.)
@Suite struct QueryPlanTests {
    /// Tables whose rows grow with every run; a plan step "SCAN <table>" over one of them is a full scan.
    static let growing = [Run.schema, RunEvent.schema, RunLogChunk.schema, MFAAuthentication.schema, RunApproval.schema,
                          StateVersion.schema, ConfigurationVersion.schema, NotificationDelivery.schema]

    static var onSQLite: Bool { (ProcessInfo.processInfo.environment["AIRLOCK_TEST_POSTGRES_URL"] ?? "").isEmpty }

    @Test(.enabled(if: onSQLite, "EXPLAIN QUERY PLAN is SQLite's"))
    func pagesReadsAndQueuesUseIndexesNotScans() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment(mfa: .never)
            for state in [RunState.plannedAndFinished, .planned, .pending] {
                _ = try await fixture.run(on: environment, by: "mario", reaching: state)
            }
            let planned = try #require(try await Run.query(on: fixture.app.db).filter(\.$state == .planned).first())
            let runID = try planned.requireID()
            try await MFAAuthentication(environmentID: try environment.requireID(), runID: runID, username: "mario", phase: .apply,
                                        succeeded: false, stsRequestID: nil, error: "refused", countsAsFailure: true, at: Date()).save(on: fixture.app.db)
            let (olivia, oliviaID) = (try await fixture.user("olivia"), try await fixture.user("olivia").requireID())

            let log = QueryLog()
            let database = try #require(fixture.app.databases.database(logger: Logger(label: "queries") { _ in log },
                                                                      on: fixture.app.eventLoopGroup.any()))
            _ = try await Organizations.list(for: oliviaID, on: database)
            _ = try await Environments.list(in: "acme", try EnvironmentListing(), actorID: oliviaID, on: database)
            _ = try await Environments.list(in: "acme", try EnvironmentListing(size: 10, after: "dev", search: "pro"), actorID: oliviaID, on: database)
            _ = try await EnvironmentPage.load(organization: "acme", environment: environment.name, visitor: olivia, now: Date(), secrets: fixture.app.secretBox, on: database)
            _ = try await RunPage.load(runID: runID, organization: "acme", environment: environment.name, actorID: oliviaID, secrets: fixture.app.secretBox, on: database)
            _ = try await Runs.list(in: "acme", environment.name, actorID: oliviaID, on: database)
            let queue = RunQueue(database: database, workerID: "query-plans", leaseDuration: 30)
            _ = try await queue.claimNext()
            _ = try await queue.renew(runID)
            _ = try await queue.recoverExpired(before: 0)
            let sender = NotificationSender(database: database, secrets: fixture.app.secretBox,
                                            pagesAddress: "https://airlock.example", retryBase: 10, allowPrivateAddresses: false,
                                            logger: Logger(label: "sender"))
            _ = try await sender.deliverDue(now: Date())

            let statements = log.statements.filter { ["SELECT", "UPDATE", "DELETE", "WITH"].contains($0.prefix { $0 != " " }.uppercased()) }
            #expect(statements.count >= 12, "the log captured the queries: \(statements)")
            let sql = try #require(fixture.app.db as? any SQLDatabase)
            for statement in Set(statements) {
                let steps = try await sql.raw(SQLQueryString("EXPLAIN QUERY PLAN " + statement)).all()
                    .map { try $0.decode(column: "detail", as: String.self) }
                let scans = steps.filter { step in Self.growing.contains { step == "SCAN \($0)" || step.hasPrefix("SCAN \($0) ") } }
                #expect(scans.isEmpty, "\(statement)\n  plan: \(steps)")
            }
        }
    }
}

/// A log handler that keeps the SQL of every "Executing query" message (SQLKit's query log) and nothing else.
private final class QueryLog: LogHandler, Sendable {
    private let captured = Mutex<[String]>([])

    var statements: [String] { captured.withLock { $0 } }

    var logLevel: Logger.Level {
        get { .trace }
        set {}  // every level is kept: the query log is at debug
    }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        guard case let .string(sql) = event.metadata?["sql"] else { return }
        captured.withLock { $0.append(sql) }
    }
}
