import Vapor

extension Application {
    private struct PolicyEngineKey: StorageKey {
        typealias Value = PolicyEngine
    }

    /// The Rego engine policy sets are checked with, when pushed and at each plan; nil where the operator named none.
    public var policyEngine: PolicyEngine? {
        get { storage[PolicyEngineKey.self] }
        set { storage[PolicyEngineKey.self] = newValue }
    }
}
