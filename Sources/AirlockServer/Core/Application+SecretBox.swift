import Vapor

extension Application {
    private struct SecretBoxKey: StorageKey {
        typealias Value = SecretBox
    }

    /// The key that encrypts values at rest; set by `configure`.
    var secretBox: SecretBox {
        get { configured(SecretBoxKey.self) }
        set { storage[SecretBoxKey.self] = newValue }
    }
}
