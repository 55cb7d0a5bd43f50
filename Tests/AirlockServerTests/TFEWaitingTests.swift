@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// What Terraform's `cloud` and `remote` backends read every 30 seconds while their run waits: the organization's
/// run queue and capacity, the workspace's current run and lock, and the workspace's runs, a page at a time. In
/// process, on the real queue (SQLite, and PostgreSQL in the second pass).
@Suite struct TFEWaitingTests {
    func get(_ fixture: ServerFixture, _ path: String, as user: String? = "mario") async throws -> (HTTPStatus, [String: Any]) {
        var headers = HTTPHeaders()
        if let user, let token = fixture.tokens[user] { headers.bearerAuthorization = BearerAuthorization(token: token) }
        let response = try await fixture.app.testing().sendRequest(.GET, path, headers: headers)
        let document = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
        return (response.status, document)
    }

    static func ids(_ document: [String: Any]) -> [String] {
        (document["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    static func positions(_ document: [String: Any]) -> [Int] {
        (document["data"] as? [[String: Any]] ?? []).compactMap { ($0["attributes"] as? [String: Any])?["position-in-queue"] as? Int }
    }

    static func pagination(_ document: [String: Any]) -> [String: Int] {
        ((document["meta"] as? [String: Any])?["pagination"] as? [String: Any] ?? [:]).compactMapValues { $0 as? Int }
    }

    @Test func theQueueListsWhatExecutesThenWhatWaitsForAWorkerWithPositionsTerraformPrints() async throws {
        try await ServerFixture.with { fixture in
            let executing = try await RunQueueFairnessTests.queued(fixture, "acme", "one", owner: "olivia")
            let queue = RunQueue(database: fixture.app.db, workerID: "busy", leaseDuration: 300)
            #expect(try await queue.claimNext()?.runID == executing)
            let next = try await RunQueueFairnessTests.queued(fixture, "acme", "two", owner: "olivia")
            let after = try await RunQueueFairnessTests.queued(fixture, "acme", "three", owner: "olivia")
            // Behind `next` in its own environment: it waits for that run, not for a worker.
            let two = try #require(try await TerraformEnvironment.query(on: fixture.app.db).filter(\.$name == "two").first())
            let actor = try #require(try await User.query(on: fixture.app.db).filter(\.$username == "olivia").first())
            let held = try await Runs.queuePlan(PlanRequest(in: "acme", "two"), actor: actor,
                                                mfa: fixture.app.mfaServices, on: fixture.app.db).requireID()
            _ = try await RunQueueFairnessTests.queued(fixture, "other", "prod", owner: "otto")  // another organization's: not listed

            let (status, document) = try await get(fixture, "/api/v2/organizations/acme/runs/queue")
            #expect(status == .ok)
            #expect(Self.ids(document) == [executing, next, after].map { TFERun.id("run", of: $0) }, "\(document)")
            // Terraform prints "Waiting for the plan to start..." at 0, else "Waiting for N queued run(s)" with N the
            // position less the capacity's running runs: `after` waits for one.
            #expect(Self.positions(document) == [0, 0, 2])
            #expect(Self.pagination(document) == ["current-page": 1, "total-pages": 1, "total-count": 3, "page-size": 20])
            #expect(!Self.ids(document).contains(TFERun.id("run", of: held)))
            let (_, capacity) = try await get(fixture, "/api/v2/organizations/acme/capacity")
            let attributes = (capacity["data"] as? [String: Any])?["attributes"] as? [String: Int]
            #expect(attributes == ["pending": 2, "running": 1], "\(capacity)")

            // A page at a time, as go-tfe follows next-page.
            let (_, second) = try await get(fixture, "/api/v2/organizations/acme/runs/queue?page%5Bnumber%5D=2&page%5Bsize%5D=2")
            #expect(Self.ids(second) == [TFERun.id("run", of: after)])
            #expect(Self.pagination(second) == ["current-page": 2, "prev-page": 1, "total-pages": 2, "total-count": 3, "page-size": 2])

            // The workspace names the run that holds it; the one behind it counts the runs between (Terraform's
            // "Waiting for N run(s) to finish before being queued...").
            let (_, workspace) = try await get(fixture, "/api/v2/organizations/acme/workspaces/two")
            let relationships = (workspace["data"] as? [String: Any])?["relationships"] as? [String: Any]
            let current = (relationships?["current-run"] as? [String: Any])?["data"] as? [String: String]
            #expect(current == ["type": "runs", "id": TFERun.id("run", of: next)], "\(workspace)")
            #expect(((workspace["data"] as? [String: Any])?["attributes"] as? [String: Any])?["locked"] as? Bool == false)
            let workspaceID = try TFEWorkspace.id(of: two)
            let (_, runs) = try await get(fixture, "/api/v2/workspaces/\(workspaceID)/runs?page%5Bsize%5D=1")
            #expect(Self.ids(runs) == [TFERun.id("run", of: held)], "newest first")
            #expect(Self.pagination(runs)["next-page"] == 2 && Self.pagination(runs)["total-pages"] == 2)
            let (_, older) = try await get(fixture, "/api/v2/workspaces/\(workspaceID)/runs?page%5Bnumber%5D=2&page%5Bsize%5D=1")
            #expect(Self.ids(older) == [TFERun.id("run", of: next)])
            // Terraform 1.0 sends an empty include.
            let (legacy, all) = try await get(fixture, "/api/v2/workspaces/\(workspaceID)/runs?include=")
            #expect(legacy == .ok && Self.ids(all).count == 2)

            // Once the worker is free and the run ended, the next one is at the head.
            #expect(try await RunTransition.move(executing, from: [.planning], to: .errored, actor: "airlock", on: fixture.app.db))
            let (_, later) = try await get(fixture, "/api/v2/organizations/acme/runs/queue")
            #expect(Self.ids(later) == [next, after].map { TFERun.id("run", of: $0) } && Self.positions(later) == [0, 1])
        }
    }

    @Test func onlyMembersReadTheQueueAndOutOfRangePagesAreEmptyPages() async throws {
        try await ServerFixture.with { fixture in
            _ = try await RunQueueFairnessTests.queued(fixture, "acme", "one", owner: "olivia")
            for path in ["/api/v2/organizations/acme/runs/queue", "/api/v2/organizations/acme/capacity"] {
                #expect(try await get(fixture, path, as: nil).0 == .unauthorized)
                #expect(try await get(fixture, path, as: "otto").0 == .notFound, "another organization's")
                #expect(try await get(fixture, path, as: "mario").0 == .ok)
            }
            #expect(try await get(fixture, "/api/v2/organizations/nobody/runs/queue").0 == .notFound)
            for (query, page, size) in [("page%5Bnumber%5D=0", 1, 20), ("page%5Bnumber%5D=-5&page%5Bsize%5D=0", 1, 1),
                                        ("page%5Bnumber%5D=9223372036854775807&page%5Bsize%5D=9223372036854775807", TFEPage.maximumNumber, 100),
                                        ("page%5Bnumber%5D=x&page%5Bsize%5D=1.5", 1, 20)] {
                let (status, document) = try await get(fixture, "/api/v2/organizations/acme/runs/queue?\(query)")
                #expect(status == .ok, "\(query)")
                #expect(Self.pagination(document)["current-page"] == page && Self.pagination(document)["page-size"] == size, "\(query): \(document)")
                #expect(Self.ids(document).count == (page == 1 ? 1 : 0), "\(query)")
            }
        }
    }

    /// A log URL works for a day, and past that while Terraform waits on its phase (at most a week more): a
    /// `terraform apply` waiting days for its MFA code still streams the log once the code comes. Once the phase is
    /// over, a day after the run's last change, it stops.
    @Test func aLogURLOutlivesItsDayWhileItsPhaseWaitsAndNotAfter() async throws {
        try await ServerFixture.with { fixture in
            let run = try await fixture.run(on: try await fixture.environment(), reaching: .planned)
            let runID = try run.requireID()
            // Terraform approved it; it waits for its MFA code.
            try await Run.query(on: fixture.app.db).filter(\.$id == runID).set(\.$autoApply, to: true).update()
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: try #require(fixture.tokens["mario"]))
            let apply = try await fixture.app.testing().sendRequest(.GET, "/api/v2/applies/\(TFERun.id("apply", of: runID))", headers: headers)
            let url = try #require(apply.body.string.range(of: #"/api/v2/apply-logs/[^"]+"#, options: .regularExpression)
                .map { String(apply.body.string[$0]) })
            #expect(try await fixture.app.testing().sendRequest(.GET, url).status == .ok)
            fixture.clock.advance(by: 3 * 24 * 60 * 60)
            #expect(try await fixture.app.testing().sendRequest(.GET, url).status == .ok, "the apply still waits")
            // Not for a planned run nobody approved: its apply log is nothing Terraform waits for.
            let other = try await fixture.run(on: try await fixture.environment("staging"), reaching: .planned)
            let unapproved = try await fixture.app.testing().sendRequest(.GET, "/api/v2/applies/\(TFERun.id("apply", of: try other.requireID()))",
                                                                          headers: headers)
            let unapprovedURL = try #require(unapproved.body.string.range(of: #"/api/v2/apply-logs/[^"]+"#, options: .regularExpression)
                .map { String(unapproved.body.string[$0]) })
            fixture.clock.advance(by: 2 * 24 * 60 * 60)
            #expect(try await fixture.app.testing().sendRequest(.GET, unapprovedURL).status == .notFound)
            #expect(try await fixture.app.testing().sendRequest(.GET, url).status == .ok, "five days on, still waiting")
            fixture.clock.advance(by: 4 * 24 * 60 * 60)
            #expect(try await fixture.app.testing().sendRequest(.GET, url).status == .notFound, "never more than a week past its day")
            fixture.clock.advance(by: -4 * 24 * 60 * 60)
            #expect(try await fixture.call(.POST, "/runs/\(runID.uuidString.lowercased())/actions/discard", as: "olivia", json: "{}").status == .ok)
            let ended = try await fixture.app.testing().sendRequest(.GET, url)
            #expect(ended.status == .notFound && ended.body.string.contains("This log URL has expired"), "\(ended.body.string)")
        }
    }

    /// Terraform waits (and says for what) while a run is pending or confirmed: a confirmed run waiting for a worker
    /// reads as confirmed, and is in the queue.
    @Test func aConfirmedRunWaitingForAWorkerReadsAsConfirmedAndIsQueued() async throws {
        try await ServerFixture.with { fixture in
            let run = try await fixture.run(on: try await fixture.environment(), reaching: .applyQueued)
            let id = TFERun.id("run", of: try run.requireID())
            let (_, document) = try await get(fixture, "/api/v2/runs/\(id)")
            #expect(((document["data"] as? [String: Any])?["attributes"] as? [String: Any])?["status"] as? String == "confirmed", "\(document)")
            let (_, queue) = try await get(fixture, "/api/v2/organizations/acme/runs/queue")
            #expect(Self.ids(queue) == [id] && Self.positions(queue) == [0])
        }
    }

    /// go-tfe's log reader asks whether a phase is over after ten empty reads and stops if it is, losing what was written
    /// between its last read and that question. A reader part-way through an apply's log is told it still runs until
    /// it reads the rest; another person, and the same one once they have read the end, see it finished.
    @Test func aReaderPartWayThroughAnEndedApplysLogIsToldItRunsUntilItReadsTheRest() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let run = try await fixture.run(on: environment, by: "mario", reaching: .applying)
            let runID = try run.requireID()
            let applyID = TFERun.id("apply", of: runID)
            let (_, apply) = try await get(fixture, "/api/v2/applies/\(applyID)")
            let attributes = try #require((apply["data"] as? [String: Any])?["attributes"] as? [String: Any])
            #expect(attributes["status"] as? String == "running")
            let logURL = try #require(attributes["log-read-url"] as? String)
            let logPath = try #require(URLComponents(string: logURL)?.path)
            let log = try await RunLogWriter(runID: runID, phase: .apply, secrets: [], maximumBytes: 1 << 20, database: fixture.app.db)
            await log.append(Data("Releasing state lock. This may take a few moments...\n".utf8))
            try await log.flush()
            // mario reads all there is so far: no end marker yet.
            let partial = try await fixture.app.testing().sendRequest(.GET, logPath + "?offset=0&limit=65536")
            #expect(partial.body.string.contains("Releasing state lock") && !partial.body.string.hasSuffix("\u{03}"))

            // The apply writes its last lines and ends.
            await log.append(Data("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.\n".utf8))
            try await log.finish()
            try #require(try await RunTransition.move(runID, from: [.applying], to: .applied, actor: "airlock", on: fixture.app.db))
            let statusFor: (String) async throws -> String? = { user in
                let (_, document) = try await self.get(fixture, "/api/v2/applies/\(applyID)", as: user)
                return ((document["data"] as? [String: Any])?["attributes"] as? [String: Any])?["status"] as? String
            }
            #expect(try await statusFor("mario") == "running", "mario has not read the end")
            #expect(try await statusFor("olivia") == "finished", "olivia is not reading it")
            let rest = try await fixture.app.testing().sendRequest(.GET, logPath + "?offset=\(partial.body.readableBytes)&limit=65536")
            #expect(rest.body.string.contains("Apply complete!") && rest.body.string.hasSuffix("\u{03}"))
            #expect(try await statusFor("mario") == "finished")
        }
    }
}
