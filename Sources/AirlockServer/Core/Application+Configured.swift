import Vapor

extension Application {
    /// A value `configure` stores before any route runs (the secret box, AWS access, the clock); a missing
    /// one is a programming error, not a request's.
    func configured<Key: StorageKey>(_ key: Key.Type) -> Key.Value {
        guard let value = storage[key] else { fatalError("configure(_:database:secrets:aws:clock:) sets \(Key.Value.self) before any route runs") }
        return value
    }
}
