/// At most `count` holders at a time; the others wait in order. Bounds what concurrent requests may hold
/// in memory at once (a waiting upload's body stays in the client's socket: the server does not read it).
actor Permits {
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { available = count }

    /// Runs `body` once a permit is free, and frees it after.
    func withPermit<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if available > 0 {
            available -= 1
        } else {
            await withCheckedContinuation { waiting.append($0) }
        }
        defer { release() }
        return try await body()
    }

    private func release() {
        if waiting.isEmpty { available += 1 } else { waiting.removeFirst().resume() }
    }
}
