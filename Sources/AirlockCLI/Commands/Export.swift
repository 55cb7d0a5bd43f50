import AirlockAWS
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock export`: prints a profile's credentials for a shell to take in.
    struct Export: AsyncParsableCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case env, json, fish, powershell
        }

        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Print a profile's credentials as shell variables or JSON.",
            discussion: """
                  eval "$(airlock export --profile role-with-mfa)"          # sh, bash, zsh
                  airlock export --profile role-with-mfa --format fish | source
                """
        )

        @OptionGroup var options: ProfileOptions

        @Option(help: "env (sh/bash/zsh), json (credential_process JSON), fish or powershell.")
        var format: Format = .env

        func run() async throws {
            let resolved = try await CredentialSession.run(options) { try await $0.resolver.resolve() }
            print(try Self.render(resolved.credentials, region: resolved.region, format: format))
        }

        /// The shell lines that set the credentials' variables and unset those they lack (an older session's token, a
        /// profile that would win over them), so that nothing of a previous `export` stays behind.
        static func render(_ credentials: AWSCredentials, region: String?, format: Format) throws -> String {
            let variables = CredentialVariables.variables(credentials, region: region)
            let set = Set(variables.map(\.name))
            let unset = CredentialVariables.removed.filter { !set.contains($0) }
            switch format {
            case .json:
                return CredentialProcessOutput(credentials).encoded()
            case .env:
                return (["unset \(unset.joined(separator: " "))"] + variables.map { "export \($0.name)=\(singleQuoted($0.value))" })
                    .joined(separator: "\n")
            case .fish:
                return (unset.map { "set -e \($0);" } + variables.map { "set -gx \($0.name) \(singleQuoted($0.value));" }).joined(separator: "\n")
            case .powershell:
                return (unset.map { "Remove-Item Env:\($0) -ErrorAction SilentlyContinue" }
                    + variables.map { "$env:\($0.name) = '\($0.value.replacingOccurrences(of: "'", with: "''"))'" }).joined(separator: "\n")
            }
        }

        /// A POSIX shell single-quoted word.
        static func singleQuoted(_ value: String) -> String {
            "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
    }
}
