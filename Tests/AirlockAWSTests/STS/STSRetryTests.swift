import AirlockAWS
import AirlockTesting
import Foundation
import Testing

/// Retries: throttling and 5xx answers are retried with jittered backoff; client errors and any call
/// carrying an MFA code are not.
@Suite struct STSRetryTests {
    @Test func throttlingAndServerErrorsAreRetried() async throws {
        try await withTestSTS { sts, client, sleeps in
            await sts.engine.inject([.throttling, .internalError])
            let identity = try await sts.client(client).getCallerIdentity()
            #expect(identity.arn.hasSuffix(":user/anika"))
            #expect(await sts.engine.received.map(\.errorCode) == ["Throttling", "InternalFailure", nil])
            #expect(sleeps.recorded.count == 2)
            #expect(sleeps.recorded.allSatisfy { $0 <= .milliseconds(200) })
        }
    }

    @Test func retriesStopAfterTheLastAttempt() async throws {
        try await withTestSTS(retry: RetryPolicy(maxAttempts: 3)) { sts, client, _ in
            await sts.engine.inject([.serviceUnavailable, .serviceUnavailable, .serviceUnavailable, .throttling])
            let error = await failure { _ = try await sts.client(client).getCallerIdentity() }
            #expect((error as? AWSServiceError)?.code == "ServiceUnavailable")
            #expect(await sts.engine.received.count == 3)
        }
    }

    @Test func aCallWithAnMFACodeIsNeverRetried() async throws {
        try await withTestSTS { sts, client, sleeps in
            await sts.engine.inject([.throttling])
            let code = try #require(await sts.engine.currentCode(forUser: "anika"))
            let error = await failure { _ = try await sts.client(client).getSessionToken(serialNumber: sts.anika.mfaSerial, tokenCode: code) }
            #expect(error.map { "\($0)" } == "An error occurred (Throttling) when calling the GetSessionToken operation: Rate exceeded")
            #expect(await sts.engine.received.map(\.carriedTokenCode) == [true])
            #expect(sleeps.recorded.isEmpty)
        }
    }

    @Test func clientErrorsAreNotRetried() async throws {
        try await withTestSTS { sts, client, _ in
            _ = await failure { _ = try await sts.client(client).assumeRole(AssumeRoleRequest(roleARN: sts.roleARN("cli-role"), roleSessionName: "s1")) }
            #expect(await sts.engine.received.count == 1)
        }
    }

    @Test func aSlowAnswerHitsTheRequestTimeout() async throws {
        try await withTestSTS(requestTimeout: .milliseconds(300)) { sts, client, _ in
            await sts.engine.inject([.delay(.seconds(3))])
            let error = await failure { _ = try await sts.client(client).getCallerIdentity() }
            #expect(error as? AWSTransportError == .requestTimeout(endpoint: sts.endpoint.absoluteString))
        }
    }

    @Test func aClosedPortIsAConnectionError() async throws {
        let port = try FreePort.find()
        let client = AWSQueryClient(configuration: .init(connectTimeout: .seconds(2)))
        let sts = STSClient(
            credentials: AWSCredentials(accessKeyID: "AKIA", secretAccessKey: "s"), region: "us-east-1",
            endpoint: URL(string: "http://127.0.0.1:\(port)")!, client: client
        )
        let error = await failure { _ = try await sts.getCallerIdentity() }
        try await client.shutdown()
        guard case .connectionFailed(let endpoint, _) = error as? AWSTransportError else {
            Issue.record("expected a connection error, got \(String(describing: error))")
            return
        }
        #expect(endpoint == "http://127.0.0.1:\(port)")
        #expect(error.map { "\($0)" }?.hasPrefix("Could not connect to the endpoint URL: \"http://127.0.0.1:\(port)\"") == true)
    }
}
