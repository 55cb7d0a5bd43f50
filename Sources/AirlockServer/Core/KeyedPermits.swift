/// At most `count` holders at a time for each key (an organization), the others of that key waiting in order:
/// what one key's holders do never delays another key's.
actor KeyedPermits<Key: Hashable & Sendable> {
    private let count: Int
    private var holders: [Key: Int] = [:]
    private var waiting: [Key: [CheckedContinuation<Void, Never>]] = [:]

    init(_ count: Int) { self.count = max(1, count) }

    /// Runs `body` once a permit of `key` is free, and frees it after.
    func withPermit<T: Sendable>(_ key: Key, _ body: @Sendable () async throws -> T) async throws -> T {
        if holders[key, default: 0] < count {
            holders[key, default: 0] += 1
        } else {
            await withCheckedContinuation { waiting[key, default: []].append($0) }
        }
        defer { release(key) }
        return try await body()
    }

    private func release(_ key: Key) {
        if var queue = waiting[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[key] = queue.isEmpty ? nil : queue
            next.resume()  // the permit passes to it
        } else {
            let left = holders[key, default: 1] - 1
            holders[key] = left > 0 ? left : nil
        }
    }
}
