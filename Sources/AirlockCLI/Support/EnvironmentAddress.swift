import ArgumentParser

/// `ORG/ENV`, how commands name an environment.
struct EnvironmentAddress: ExpressibleByArgument, CustomStringConvertible {
    let organization: String
    let environment: String

    init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        organization = String(parts[0])
        environment = String(parts[1])
    }

    var description: String { "\(organization)/\(environment)" }

    static var defaultCompletionKind: CompletionKind { .default }
}
