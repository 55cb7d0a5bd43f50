import Foundation
import Vapor

/// Where the server's rules read the time: the MFA and login limits, token and session expiry, the lock
/// icon, retention. The system clock in production; tests move one of their own.
public struct ServerClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    /// The machine's clock.
    public static let system = ServerClock { Date() }

    /// The time now.
    public var now: Date { read() }
}

extension Application {
    private struct ServerClockKey: StorageKey {
        typealias Value = ServerClock
    }

    /// The clock this server's rules read; set by `configure`.
    var clock: ServerClock {
        get { configured(ServerClockKey.self) }
        set { storage[ServerClockKey.self] = newValue }
    }
}
