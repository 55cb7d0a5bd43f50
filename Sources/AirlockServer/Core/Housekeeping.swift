import Fluent
import Foundation
import Logging

/// What the server tidies on its own, before it listens (`tidy`) and every `interval` after: expired and
/// anonymous sessions, login attempts older than the throttle's window, expired `terraform login` codes,
/// abandoned TFE uploads, and history past `Retention`.
final class Housekeeping: Sendable {
    static let interval: Duration = .seconds(10 * 60)
    private let task: Task<Void, Never>

    init(database: any Database, retention: Retention, clock: ServerClock, logger: Logger) {
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                guard !Task.isCancelled else { break }
                do {
                    try await Self.tidy(database, retention: retention, now: clock.now)
                } catch {
                    logger.error("Housekeeping failed: \(error)")
                }
            }
        }
    }

    static func tidy(_ database: any Database, retention: Retention, now: Date) async throws {
        try await WebSession.purge(before: now, on: database)
        try await LoginThrottle.purge(before: now, on: database)
        try await PendingSignIn.purge(before: now, on: database)
        try await TerraformLogin.purge(before: now, on: database)
        try await TFEConfigurationUpload.purgeAbandoned(before: now, on: database)
        try await retention.apply(at: now, on: database)
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}
