import Foundation

/// The Rego engines the policy tests run against: the project's `opa eval` shim on Microsoft's Regorus (PyPI
/// gordon-to-regorus), and OPA's own `opa` where this machine has it on PATH.
public enum PolicyEngineProgram {
    /// `scripts/opa/opa-regorus` of this checkout.
    public static var regorusShim: String { repositoryRoot.appendingPathComponent("scripts/opa/opa-regorus").path }

    /// Every engine present: the shim always, `opa` when installed.
    public static var available: [String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let opa = path.split(separator: ":").map { "\($0)/opa" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        return [regorusShim] + [opa].compactMap { $0 }
    }
}
