import Vapor

extension Application {
    private struct PublicAddressKey: StorageKey {
        typealias Value = String
    }

    /// Where people and Terraform reach this server (`--external-url`, else its listening address), without a
    /// trailing slash: every link the server writes (upload and log URLs, "authenticate on ..." lines) starts
    /// with it, never with a request's `Host`, which its sender chooses. Set by `configure`, then by `serve`
    /// once the port is known.
    public var publicAddress: String {
        get { configured(PublicAddressKey.self) }
        set { storage[PublicAddressKey.self] = newValue }
    }
}
