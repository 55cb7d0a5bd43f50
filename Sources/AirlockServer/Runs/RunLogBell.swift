import Foundation

/// Wakes this server's followers of a run's log when the run writes a chunk or changes state, so a
/// follower reads the database when there is something new rather than on a timer of its own. (A run
/// executing on another server rings no bell here: followers also look every `RunLogStream.idleCheck`.)
actor RunLogBell {
    static let shared = RunLogBell()
    private var waiters: [UUID: [UUID: CheckedContinuation<Bool, Never>]] = [:]

    /// Wakes everyone waiting on `runID`.
    func ring(_ runID: UUID) {
        for waiter in waiters.removeValue(forKey: runID)?.values ?? [:].values { waiter.resume(returning: true) }
    }

    /// Returns when `runID` rings (true), or after `timeout` (false), whichever is first.
    @discardableResult
    func wait(for runID: UUID, upTo timeout: Duration) async -> Bool {
        let id = UUID()
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            await self.wake(id, of: runID)
        }
        let rung = await withCheckedContinuation { waiters[runID, default: [:]][id] = $0 }
        timer.cancel()
        return rung
    }

    private func wake(_ id: UUID, of runID: UUID) {
        guard let waiter = waiters[runID]?.removeValue(forKey: id) else { return }
        if waiters[runID]?.isEmpty == true { waiters[runID] = nil }
        waiter.resume(returning: false)
    }
}
