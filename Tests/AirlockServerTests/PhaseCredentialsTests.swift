import AirlockAWS
@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Fluent
import Foundation
import Synchronization
import Testing
import Vapor
import VaporTesting
#if canImport(Glibc)
import Glibc
#endif

/// Credentials that last the phase (#29), in-process against the test STS: what an MFA code grants (a session of the
/// environment's limit plus an hour to start), role sessions renewed from it until the limit and never after,
/// served over the container credentials protocol to the phase's token only, and an apply that waited past its
/// code's hour asking for a new one.
@Suite struct PhaseCredentialsTests {
    static let role = PhaseAWSGrant.Role(arn: TestSTSDirectory.reference().roles[0].arn, sessionName: "airlock-mario-7-apply",
                                         sourceIdentity: "mario")

    /// An MFA grant for `cli-role` (whose trust demands MFA: a role session assumed from the MFA session has it).
    static func grant(_ fixture: ServerFixture, holdSeconds: Int = 3600) async throws -> PhaseAWSGrant {
        let user = TestSTSDirectory.reference().users[0]
        let code = try await fixture.mfaCodes().right
        let keys = AWSAccess.Keys(credentials: user.credentials, serial: user.mfaSerial)
        return try await fixture.app.awsAccess.grant(keys, tokenCode: code, role: role, holdSeconds: holdSeconds, queued: true, now: Date()).0
    }

    @Test func aCodesGrantLastsTheLimitAndAnHourToStartAndItsRoleSessionsCarryMFA() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            let before = Date()
            let grant = try await Self.grant(fixture, holdSeconds: 2 * 3600)
            let after = Date()
            let expiration = try #require(grant.session.expiration)
            // The test STS's clock stands still (codes stay current however slow the machine): bounds, not a speed.
            #expect(grant.startBy <= after.addingTimeInterval(3600) && grant.startBy <= expiration.addingTimeInterval(-2 * 3600))
            #expect(grant.startBy > before, "it may start")
            let received = await fixture.sts?.engine.received ?? []
            #expect(received.map(\.action) == ["GetSessionToken", "AssumeRole"], "the role is checked with the code, before anything runs")
            #expect(received.first?.durationSeconds == "\(3 * 3600)", "GetSessionToken for the limit and the hour to start")
            #expect(received.filter(\.carriedTokenCode).count == 1)
            let session = try await fixture.app.awsAccess.roleSession(of: grant, seconds: 3600)
            let sts = STSClient(credentials: session, region: "us-east-1", endpoint: try #require(fixture.sts?.endpoint), client: fixture.app.awsAccess.client)
            #expect(try await sts.getCallerIdentity().arn.hasSuffix(":assumed-role/cli-role/airlock-mario-7-apply"))
            // Never longer than an hour: STS caps a role assumed with session credentials there, whatever the role allows.
            #expect((await fixture.sts?.engine.received ?? []).last { $0.action == "AssumeRole" }?.durationSeconds == "3600")
            #expect(session.expiration != nil)
        }
    }

    @Test func roleSessionsAreRenewedBeforeTheyEndAndNeverPastTheLimit() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            let grant = try await Self.grant(fixture)
            let start = Date()
            let until = start.addingTimeInterval(3 * 3600)
            let renewals = Recorded<Bool>()
            let keeper = RoleSessionKeeper(grant: grant, aws: fixture.app.awsAccess, until: until) { _, renewal in renewals.append(renewal) }
            let first = try await keeper.credentials(now: start)
            #expect(first.announcedExpiration < (first.credentials.expiration ?? .distantFuture), "SDKs come back before the real end")
            let again = try await keeper.credentials(now: start.addingTimeInterval(40 * 60))
            #expect(again.credentials.accessKeyID == first.credentials.accessKeyID, "an hour's session serves for 45 minutes")
            let renewed = try await keeper.credentials(now: start.addingTimeInterval(50 * 60))
            #expect(renewed.credentials.accessKeyID != first.credentials.accessKeyID, "with 10 minutes left it is renewed")
            #expect(renewals.values == [false, true])
            await #expect(throws: RunCredentialRefusal.ended(until)) { _ = try await keeper.credentials(now: until.addingTimeInterval(1)) }
            let codes = (await fixture.sts?.engine.received ?? []).filter(\.carriedTokenCode)
            #expect(codes.count == 1, "one MFA code for every session of the phase")
        }
    }

    /// Each session ends by the limit: an hour while more than that is left, then exactly to the limit, never leaving
    /// less than STS's shortest session for the last one (which would outlive the limit).
    @Test func sessionsAreScheduledToEndByTheLimit() {
        #expect(RoleSessionKeeper.sessionSeconds(remaining: 3 * 3600) == 3600)
        #expect(RoleSessionKeeper.sessionSeconds(remaining: 3600) == 3600)
        #expect(RoleSessionKeeper.sessionSeconds(remaining: 2000) == 2000)
        #expect(RoleSessionKeeper.sessionSeconds(remaining: 4500) == 2700, "an hour would leave 15 minutes: too little for a last session")
        #expect(RoleSessionKeeper.sessionSeconds(remaining: 600) == 900, "STS's shortest; only when a renewal came late")
    }

    @Test func aRefusedRenewalIsNotTriedAgainAtOnce() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            var grant = try await Self.grant(fixture)
            grant = PhaseAWSGrant(session: grant.session, role: .init(arn: "arn:aws:iam::123456789012:role/nobody-trusts-this", sessionName: "x-1-apply",
                                                                       sourceIdentity: "mario"), holdSeconds: 3600, startBy: grant.startBy)
            let keeper = RoleSessionKeeper(grant: grant, aws: fixture.app.awsAccess, until: Date().addingTimeInterval(3600)) { _, _ in }
            let assumed = { await fixture.sts?.engine.received.filter { $0.action == "AssumeRole" }.count ?? 0 }
            let before = await assumed()
            let start = Date()
            for offset in [0.0, 1, 5, 14] {
                await #expect(throws: RunCredentialRefusal.self) { _ = try await keeper.credentials(now: start.addingTimeInterval(offset)) }
            }
            #expect(await assumed() == before + 1, "one call to STS for four requests within the pause")
            await #expect(throws: RunCredentialRefusal.self) { _ = try await keeper.credentials(now: start.addingTimeInterval(16)) }
            #expect(await assumed() == before + 2)
        }
    }

    /// Without a role Terraform gets the session itself: it is made for the limit from the code, no more.
    @Test func withoutARoleTheSessionLastsTheLimitFromTheCodeOnly() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            let user = TestSTSDirectory.reference().users[0]
            let keys = AWSAccess.Keys(credentials: user.credentials, serial: user.mfaSerial)
            let now = Date()
            let (grant, _) = try await fixture.app.awsAccess.grant(keys, tokenCode: try await fixture.mfaCodes().right, role: nil,
                                                                   holdSeconds: 3600, queued: true, now: now)
            let expiration = try #require(grant.session.expiration)
            #expect((await fixture.sts?.engine.received ?? []).first?.durationSeconds == "3600", "the limit, without the hour to start")
            #expect(abs(grant.startBy.timeIntervalSince(expiration) + 900) < 1, "it must start while a quarter of an hour is left")
            let keeper = RoleSessionKeeper(grant: grant, aws: fixture.app.awsAccess, until: now.addingTimeInterval(3600)) { _, _ in }
            #expect(try await keeper.credentials(now: now).credentials == grant.session)
        }
    }

    @Test func theServerAnswersThePhasesTokenOnlyAndNothingOnceStopped() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            let grant = try await Self.grant(fixture)
            let lines = Recorded<String>()
            let server = RunCredentialServer(grant: grant, aws: fixture.app.awsAccess, until: Date().addingTimeInterval(3600),
                                             report: { line in lines.append(line) }, renewed: { _ in })
            let listener = try BlockingSocket.listen(on: .loopback, port: 0)
            let port = try #require(BlockingSocket.port(of: listener))
            server.start(listening: listener)
            let url = try #require(server.variables(port: port)["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
            #expect(url == "http://127.0.0.1:\(port)\(RunCredentialServer.path)")

            let stranger = try await LocalHTTP.get(url, headers: [("Authorization", "airlock-credentials-guess")])
            #expect(stranger.status == 403, "\(stranger.body)")
            #expect(lines.values.contains { $0.contains("refused a credentials request") })
            let answered = try await LocalHTTP.get(url, headers: [("Authorization", server.token)])
            #expect(answered.status == 200, "\(answered.body)")
            let body = try #require(try JSONSerialization.jsonObject(with: Data(answered.body.utf8)) as? [String: String])
            #expect(body["AccessKeyId"]?.hasPrefix("ASIA") == true && body["SecretAccessKey"] != nil && body["Token"] != nil)
            #expect(body["Expiration"].flatMap(ISO8601Timestamp.parse) != nil)
            #expect(body["AccessKeyId"] != grant.session.accessKeyID, "the role's session, never the MFA session itself")

            server.stop()
            // A socket of our own: an HTTP client would retry a refused connection until its deadline.
            var refused = false
            for _ in 0..<50 where !refused {
                switch BlockingSocket.connect(to: .loopback, port: port, timeout: 5) {
                case let .success(connection): close(connection); try await Task.sleep(for: .milliseconds(100))
                case .failure: refused = true
                }
            }
            #expect(refused, "nothing answers once the phase ended")
        }
    }

    @Test func anApplyThatWaitedPastItsCodesHourWaitsForANewCode() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let environment = try await fixture.environment(mfa: .appliesOnly)
            _ = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia",
                                       object: ["approverMustDifferFromQueuer": true, "awsSessionHours": 4, "applyRoleArn": Self.role.arn])
            let run = try await fixture.run(on: environment, reaching: .planned)
            let runID = try run.requireID()
            let olivia = try await fixture.user("olivia")
            let confirmed = try await Runs.confirm(runID, actor: olivia, tokenCode: try await fixture.mfaCodes().right, mfa: fixture.app.mfaServices,
                                                   on: fixture.app.db)
            let after = Date().timeIntervalSince1970
            #expect(confirmed.run.state == .applyQueued && !confirmed.run.waitsForApplyCode)
            let startBy = try #require(confirmed.run.applyStartBy)
            #expect(startBy <= after + 3600, "an hour to start at most")
            #expect((await fixture.sts?.engine.received ?? []).first { $0.action == "GetSessionToken" && $0.carriedTokenCode }?.durationSeconds == "\(5 * 3600)",
                    "the limit of 4 hours and the hour to start")
            let grant = try SealedCredentials.unseal(try #require(confirmed.run.applyCredentialsSealed), runID: runID, phase: .apply,
                                                     secrets: fixture.app.secretBox)
            #expect(grant.holdSeconds == 4 * 3600, "the environment's limit when the code was given")
            #expect(try await RunLogChunk.text(of: runID, .apply, on: fixture.app.db).contains("the apply must start by"))

            // An hour in the queue later: no worker takes it, and it says it waits for a code.
            try await Run.query(on: fixture.app.db).filter(\.$id == runID).set(\.$applyStartBy, to: Date().timeIntervalSince1970 - 1).update()
            let queue = RunQueue(database: fixture.app.db, workerID: "test-worker", leaseDuration: 30)
            #expect(try await queue.claimNext() == nil)
            let waiting = try #require(try await Run.find(runID, on: fixture.app.db))
            #expect(waiting.waitsForApplyCode)
            let shown = try await fixture.call(.GET, "/runs/\(runID.uuidString.lowercased())", as: "olivia")
            #expect(shown.body.string.contains(#""waitingForApplyCode":true"#), "\(shown.body.string)")

            await fixture.sts?.engine.advanceClock(by: 30)  // a code not used yet
            let mario = try await fixture.user("mario")
            let fourEyes = await refusal {
                _ = try await Runs.authenticate(runID, phase: .apply, actor: mario, tokenCode: try await fixture.mfaCodes().right,
                                                mfa: fixture.app.mfaServices, on: fixture.app.db)
            }
            #expect(fourEyes?.code == "four_eyes", "whoever queued the run gives no code for its apply under four eyes")
            let authenticated = try await Runs.authenticate(runID, phase: .apply, actor: olivia, tokenCode: try await fixture.mfaCodes().right,
                                                            mfa: fixture.app.mfaServices, on: fixture.app.db)
            #expect(!authenticated.run.waitsForApplyCode && authenticated.run.applyAuthenticatedBy == "olivia")
            #expect(try await queue.claimNext()?.runID == runID, "a worker takes it now")
        }
    }
}

/// What a callback was told, in order.
private final class Recorded<T: Sendable>: Sendable {
    private let recorded = Mutex<[T]>([])
    func append(_ value: T) { recorded.withLock { $0.append(value) } }
    var values: [T] { recorded.withLock { $0 } }
}
