import AirlockServer
import Foundation
import Synchronization

/// A clock a test moves by hand, for the server's rules that count time (limits, expiry): stopped where it starts, or
/// (`running`) going with the machine's clock, for tests whose peers stamp real times (an OpenID provider's tokens).
public final class TestClock: Sendable {
    private let start: Date
    private let running: Bool
    private let offset = Mutex<TimeInterval>(0)

    public init(_ start: Date = Date(), running: Bool = false) {
        self.start = start
        self.running = running
    }

    /// The time now on this clock.
    public var now: Date { (running ? Date() : start).addingTimeInterval(offset.withLock { $0 }) }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        offset.withLock { $0 += seconds }
    }

    /// This clock as the server reads it.
    public var serverClock: ServerClock { ServerClock { [self] in now } }
}
