import AirlockServer
import Foundation
import Synchronization

/// A clock a test moves by hand, for the server's rules that count time (limits, expiry).
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    /// The time now on this clock.
    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// This clock as the server reads it.
    public var serverClock: ServerClock { ServerClock { [self] in now } }
}
