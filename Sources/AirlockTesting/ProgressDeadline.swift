import Foundation

/// A deadline that moves while what is being waited for makes progress: a test waits as long as a
/// run, a process or a page keeps changing (a loaded machine is slow, not stuck) and gives up only
/// when nothing changed for `stalledAfter` seconds, or after `atMost` in all.
public struct ProgressDeadline {
    private let stalledAfter: TimeInterval
    private let end: Date
    private var lastChange = Date()
    private var lastSeen: AnyHashable?

    public init(stalledAfter: TimeInterval, atMost: TimeInterval = 1200) {
        self.stalledAfter = stalledAfter
        end = Date().addingTimeInterval(max(atMost, stalledAfter))
    }

    /// Records what is seen now; returns whether to keep waiting.
    public mutating func keepWaiting(seeing observed: AnyHashable) -> Bool {
        let now = Date()
        if observed != lastSeen {
            lastSeen = observed
            lastChange = now
        }
        return now < end && now.timeIntervalSince(lastChange) < stalledAfter
    }
}
