@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import AsyncHTTPClient
import Crypto
import Fluent
import Foundation
import Logging
import Testing
import Vapor
import VaporTesting

/// Notifications, in-process against a local receiver and the test STS: each event reaches a signed webhook
/// and a Slack-compatible one, a 500 is retried after its pause, deliveries are the owners' to see, and the URL
/// is never shown again.
@Suite struct NotificationTests {
    /// A sender that may reach the receivers on loopback (as `--notification-private-addresses` allows), or not.
    func sender(_ fixture: ServerFixture, retryBase: TimeInterval = 10, allowPrivate: Bool = true) -> NotificationSender {
        NotificationSender(database: fixture.app.db, secrets: fixture.app.secretBox, pagesAddress: "https://airlock.example",
                           retryBase: retryBase, allowPrivateAddresses: allowPrivate, logger: Logger(label: "test"))
    }

    func add(_ fixture: ServerFixture, kind: String, url: String) async throws -> [String: Any] {
        let response = try await fixture.call(.POST, "/organizations/acme/notification-destinations", as: "olivia", object: ["kind": kind, "url": url])
        try #require(response.status == .created, "\(response.body.string)")
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
    }

    @Test func eachEventReachesASignedWebhookAndSlackAndA500IsRetried() async throws {
        let receiver = try await WebhookReceiver.start(failures: 1)
        defer { Task { await receiver.stop() } }
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let environment = try await fixture.environment(mfa: .appliesOnly)
            let webhook = try await add(fixture, kind: "webhook", url: receiver.url + "/hooks/airlock?token=secret-in-url")
            let secret = try #require(webhook["signingSecret"] as? String)
            #expect(webhook["host"] as? String == "127.0.0.1")
            _ = try await add(fixture, kind: "slack", url: receiver.url + "/services/T000/B000/XXXX")
            let listed = try await fixture.call(.GET, "/organizations/acme/notification-destinations", as: "olivia").body.string
            #expect(!listed.contains("secret-in-url") && !listed.contains(secret), "URLs and secrets are write-only: \(listed)")

            // run.waiting (planned, needs a code), mfa.failed, run.applied; then run.errored.
            let mario = try await fixture.user("mario")
            let run = try await fixture.run(on: environment, reaching: .planned)
            let runID = try run.requireID()
            _ = try? await Runs.confirm(runID, actor: mario, tokenCode: try await fixture.mfaCodes().wrong, mfa: fixture.app.mfaServices, on: fixture.app.db)
            _ = try await Runs.confirm(runID, actor: mario, tokenCode: try await fixture.mfaCodes().right, mfa: fixture.app.mfaServices, on: fixture.app.db)
            try await RunTransition.move(runID, from: [.applyQueued], to: .applying, actor: "airlock", on: fixture.app.db)
            try await RunTransition.move(runID, from: [.applying], to: .applied, actor: "airlock", on: fixture.app.db)
            let failing = try await fixture.run(on: environment, reaching: .planning)
            try await RunTransition.move(try failing.requireID(), from: [.planning], to: .errored, actor: "airlock", note: nil,
                                         changes: .error("Terraform failed."), on: fixture.app.db)
            #expect(try await NotificationDelivery.query(on: fixture.app.db).count() == 8, "four events, two destinations")

            let now = Date()
            #expect(try await sender(fixture).deliverDue(now: now) == 8)
            #expect(try await sender(fixture).deliverDue(now: now) == 0, "the failed one waits for its pause")
            let pending = try #require(try await NotificationDelivery.query(on: fixture.app.db).filter(\.$status == .pending).first())
            #expect(pending.attempts == 1 && pending.lastResponseStatus == 500)
            #expect(pending.lastError == "The receiver answered 500.")
            #expect(try await sender(fixture).deliverDue(now: now.addingTimeInterval(30)) == 1, "past the pause, counted from the failure")
            #expect(try await NotificationDelivery.query(on: fixture.app.db).filter(\.$status == .delivered).count() == 8)

            let received = try receiver.received()
            #expect(received.count == 9)
            let hooks = received.filter { $0.path.hasPrefix("/hooks/airlock") }
            var events: [String] = []
            for hook in hooks {
                let timestamp = try #require(hook.header("X-Airlock-Timestamp"))
                let expected = NotificationSender.signature(Data(hook.body.utf8), timestamp: timestamp, secret: secret)
                #expect(hook.header("X-Airlock-Signature") == "v1=" + expected, "a signature the receiver can check")
                let body = try #require(try JSONSerialization.jsonObject(with: Data(hook.body.utf8)) as? [String: Any])
                #expect(body["event"] as? String == hook.header("X-Airlock-Event"))
                events.append(hook.header("X-Airlock-Event") ?? "")
                #expect(!hook.body.contains(fixture.tokens["olivia"] ?? "-") && !hook.body.contains(TestSTSDirectory.reference().users[0].secretAccessKey))
            }
            #expect(Set(events) == ["run.waiting", "mfa.failed", "run.applied", "run.errored"], "\(events)")
            #expect(hooks.contains { $0.body.contains("https://airlock.example/terraform/acme/environments/prod/runs/") })
            #expect(hooks.contains { $0.body.contains("waits for an MFA token code for its apply") })
            let slack = received.filter { $0.path.hasPrefix("/services/") }
            #expect(slack.count == 4)
            #expect(slack.allSatisfy { $0.body.hasPrefix(#"{"text":"Airlock acme/prod: "#) && $0.header("X-Airlock-Signature") == nil })

            let deliveries = try await fixture.call(.GET, "/organizations/acme/notification-deliveries", as: "olivia")
            #expect(deliveries.body.string.contains(#""attempts":2"#) && deliveries.body.string.contains(#""status":"delivered""#))
            #expect(try await fixture.call(.GET, "/organizations/acme/notification-deliveries", as: "mario").status == .forbidden)
            #expect(try await fixture.call(.GET, "/organizations/acme/notification-deliveries", as: "otto").status == .notFound)
        }
    }

    /// The review's finding: one sequential sender for every organization, so eight black-hole receivers of one
    /// delayed another's delivery 147 s. Now sends go out several at once, two per organization at most: another
    /// organization's notification arrives while the black holes are still being waited on.
    @Test func receiversThatNeverAnswerDelayOnlyTheirOwnOrganization() async throws {
        let receiver = try await WebhookReceiver.start(failures: 0)
        defer { Task { await receiver.stop() } }
        // A listening socket that never accepts: connections complete, requests are never answered.
        let hole = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(hole) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(hole, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(bound == 0 && listen(hole, 64) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(hole, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        try await ServerFixture.with { fixture in
            let acme = try await fixture.environment()
            for index in 0..<8 { _ = try await add(fixture, kind: "webhook", url: "http://127.0.0.1:\(port)/hole-\(index)") }
            let ninth = try await fixture.call(.POST, "/organizations/acme/notification-destinations", as: "olivia", object: ["kind": "webhook", "url": "http://127.0.0.1:\(port)/x"])
            #expect(ninth.status == .created)
            _ = try await fixture.run(on: acme, reaching: .planned)  // nine deliveries into black holes
            // Then another organization's destination and event, due last.
            let added = try await fixture.call(.POST, "/organizations/other/notification-destinations", as: "otto",
                                               object: ["kind": "webhook", "url": receiver.url + "/other"])
            #expect(added.status == .created, "\(added.body.string)")
            let created = try await fixture.call(.POST, "/organizations/other/environments", as: "otto", object: ["name": "prod"])
            #expect(created.status == .created)
            let other = try #require(try await TerraformEnvironment.query(on: fixture.app.db).filter(\.$name == "prod")
                .filter(\.$organization.$id != acme.$organization.id).first())
            try await ConfigurationVersion(environmentID: try other.requireID(), sha256: "other", archive: Data([1]), uploadedBy: "otto").save(on: fixture.app.db)
            let queued = try await Runs.queuePlan(PlanRequest(in: "other", "prod"), actor: try await fixture.user("otto"),
                                                  mfa: fixture.app.mfaServices, on: fixture.app.db)
            try await RunTransition.move(try queued.requireID(), from: [.pending], to: .planning, actor: "airlock", on: fixture.app.db)
            try await RunTransition.move(try queued.requireID(), from: [.planning], to: .planned, actor: "airlock", on: fixture.app.db)
            #expect(try await NotificationDelivery.query(on: fixture.app.db).count() == 10)
            let sending = Task { try await sender(fixture).deliverDue(now: Date().addingTimeInterval(5)) }
            // Sent one after another, it would come after nine ten-second waits; now it comes at once.
            var arrived = false
            for _ in 0..<600 where !arrived {
                try await Task.sleep(for: .milliseconds(100))
                arrived = try receiver.received().contains { $0.path == "/other" }
            }
            #expect(arrived, "the other organization's notification waited for the black holes")
            #expect(try await sending.value >= 10)
        }
    }

    @Test func anOrganizationHasAtMostTwentyDestinations() async throws {
        try await ServerFixture.with { fixture in
            for index in 0..<Notifications.maximumDestinations { _ = try await add(fixture, kind: "slack", url: "https://hooks.example/\(index)") }
            let refused = try await fixture.call(.POST, "/organizations/acme/notification-destinations", as: "olivia",
                                                 object: ["kind": "slack", "url": "https://hooks.example/more"])
            #expect(refused.status == .conflict && refused.body.string.contains("too_many_destinations"), "\(refused.body.string)")
        }
    }

    @Test func aReceiverThatNeverAnswersFailsTheDeliveryAfterItsAttempts() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let port = try FreePort.find()  // nothing listens there
            _ = try await add(fixture, kind: "webhook", url: "http://127.0.0.1:\(port)/hook")
            _ = try await fixture.run(on: environment, reaching: .planned)
            var now = Date()
            for attempt in 1...NotificationSender.maximumAttempts {
                #expect(try await sender(fixture, retryBase: 1).deliverDue(now: now) == 1, "attempt \(attempt)")
                now = now.addingTimeInterval(3600)
            }
            let delivery = try #require(try await NotificationDelivery.query(on: fixture.app.db).first())
            #expect(delivery.status == .failed)
            #expect(delivery.attempts == NotificationSender.maximumAttempts)
            #expect(delivery.lastError == "Not delivered: the receiver could not be reached.")
            #expect(try await sender(fixture).deliverDue(now: now) == 0)
        }
    }

    /// By default the server does not post into its own network: owners name the URLs. A loopback receiver (or a
    /// name that resolves to one) gets nothing, and the delivery says why and what the operator can do.
    @Test(arguments: ["127.0.0.1", "localhost", "[::1]"])
    func aPrivateAddressGetsNothingUnlessTheOperatorAllowsIt(_ host: String) async throws {
        let receiver = try await WebhookReceiver.start(failures: 0)
        defer { Task { await receiver.stop() } }
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let port = try #require(URLComponents(string: receiver.url)?.port)
            _ = try await add(fixture, kind: "webhook", url: "http://\(host):\(port)/hook")
            _ = try await fixture.run(on: environment, reaching: .planned)
            #expect(try await sender(fixture, allowPrivate: false).deliverDue(now: Date()) == 1)
            let delivery = try #require(try await NotificationDelivery.query(on: fixture.app.db).first())
            let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            #expect(delivery.lastError == "Not delivered: \(bare) is a loopback, private or link-local address, which this server does not "
                + "send notifications to (its operator allows them with airlock serve --notification-private-addresses).", "\(delivery.lastError ?? "")")
            #expect(delivery.lastResponseStatus == nil && delivery.status == .pending)
            #expect(try receiver.received().isEmpty)
        }
    }

    @Test func onlyOwnersManageDestinationsAndURLsAreChecked() async throws {
        try await ServerFixture.with { fixture in
            for url in ["ftp://example.com/hook", "not a url", "https://", String(repeating: "a", count: 2049)] {
                let refused = try await fixture.call(.POST, "/organizations/acme/notification-destinations", as: "olivia", object: ["kind": "webhook", "url": url])
                #expect(refused.status == .unprocessableEntity, "\(url.prefix(30)): \(refused.body.string)")
                #expect(!refused.body.string.contains(url) || url.count > 100, "the refusal does not echo the URL")
            }
            let member = try await fixture.call(.POST, "/organizations/acme/notification-destinations", as: "mario",
                                                object: ["kind": "webhook", "url": "https://example.com/hook"])
            #expect(member.status == .forbidden)
            let created = try await add(fixture, kind: "webhook", url: "https://example.com/hook")
            let id = try #require(created["id"] as? String)
            #expect(try await fixture.call(.DELETE, "/organizations/acme/notification-destinations/\(id)", as: "mario").status == .forbidden)
            #expect(try await fixture.call(.DELETE, "/organizations/acme/notification-destinations/\(id)", as: "olivia").status == .noContent)
            #expect(try await fixture.call(.DELETE, "/organizations/acme/notification-destinations/\(id)", as: "olivia").status == .notFound)
            let stored = try await NotificationDestination.query(on: fixture.app.db).count()
            #expect(stored == 0)
        }
    }
}
