import Vapor

extension Application {
    private struct SignInPolicyKey: StorageKey {
        typealias Value = SignInPolicy
    }

    private struct OpenIDProviderKey: StorageKey {
        typealias Value = OpenIDProvider
    }

    /// How people sign in; set by `configure`.
    var signInPolicy: SignInPolicy {
        get { storage[SignInPolicyKey.self] ?? SignInPolicy() }
        set { storage[SignInPolicyKey.self] = newValue }
    }

    /// The identity provider, when the operator configured one; set by `configure`.
    var openIDProvider: OpenIDProvider? {
        get { storage[OpenIDProviderKey.self] }
        set { storage[OpenIDProviderKey.self] = newValue }
    }
}

/// Closes the identity provider's connections when the app shuts down.
struct OpenIDProviderShutdown: LifecycleHandler {
    let provider: OpenIDProvider

    func shutdownAsync(_ application: Application) async {
        await provider.shutdown()
    }
}
