import AirlockAWS
import AirlockTesting
import Foundation
import Synchronization

/// Starts the project's test STS with the reference world and a query client whose retry waits are
/// recorded instead of slept, runs `body`, and stops both.
func withTestSTS(
    retry: RetryPolicy = RetryPolicy(),
    requestTimeout: Duration = .seconds(30),
    _ body: (TestSTS, AWSQueryClient, SleepRecorder) async throws -> Void
) async throws {
    let sts = try await TestSTS.start(directory: .reference())
    let sleeps = SleepRecorder()
    let client = AWSQueryClient(
        configuration: .init(requestTimeout: requestTimeout, retry: retry),
        sleep: { duration in sleeps.record(duration) }
    )
    do {
        try await body(sts, client, sleeps)
    } catch {
        try? await client.shutdown()
        try? await sts.stop()
        throw error
    }
    try await client.shutdown()
    try await sts.stop()
}

/// Records the waits a client asked for between retries.
final class SleepRecorder: Sendable {
    private let durations = Mutex<[Duration]>([])
    func record(_ duration: Duration) { durations.withLock { $0.append(duration) } }
    var recorded: [Duration] { durations.withLock { $0 } }
}

extension TestSTS {
    var anika: TestSTSDirectory.User { TestSTSDirectory.reference().users[0] }

    func client(_ client: AWSQueryClient, credentials: AWSCredentials? = nil) -> STSClient {
        STSClient(credentials: credentials ?? anika.credentials, region: "us-west-2", endpoint: endpoint, client: client)
    }

    func roleARN(_ name: String) -> String { "arn:aws:iam::123456789012:role/\(name)" }
}

/// The error a call threw, for checking its exact description.
func failure(_ body: () async throws -> Void) async -> (any Error)? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}
