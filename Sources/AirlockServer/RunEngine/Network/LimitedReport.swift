import Synchronization

/// Writes at most `limit` lines in a run's log, then says that it stops.
final class LimitedReport: Sendable {
    private let written = Mutex(0)
    private let report: @Sendable (String) -> Void
    private let limit: Int
    /// The line that says no more come.
    private let ending: String

    init(_ report: @escaping @Sendable (String) -> Void, limit: Int, ending: String) {
        self.report = report
        self.limit = limit
        self.ending = ending
    }

    func write(_ line: String) {
        let count = written.withLock { count in
            count += 1
            return count
        }
        if count <= limit { report(line) }
        if count == limit { report(ending) }
    }
}
