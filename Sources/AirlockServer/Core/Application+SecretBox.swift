import Vapor

extension Application {
    private struct SecretBoxKey: StorageKey {
        typealias Value = SecretBox
    }

    /// The key that encrypts values at rest; set by `configure`.
    var secretBox: SecretBox {
        get {
            guard let box = storage[SecretBoxKey.self] else { fatalError("configure(_:database:secrets:) sets the secret box before any route runs") }
            return box
        }
        set { storage[SecretBoxKey.self] = newValue }
    }
}
