import AirlockAWS
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock cache`: the role session cache shared with the AWS CLI.
    struct Cache: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cache",
            abstract: "Manage the role session cache shared with the AWS CLI (~/.aws/cli/cache).",
            subcommands: [Clear.self]
        )

        struct Clear: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "clear",
                abstract: "Forget cached sessions (roles', and the MFA sessions they are assumed from): a profile's, or all of them.",
                discussion: "The next use of the profile asks for a new MFA code."
            )

            @Option(help: "Only this profile's sessions (every role in its source_profile chain, and their MFA sessions).")
            var profile: String?

            func run() async throws {
                let environment = ProcessInfo.processInfo.environment
                let cache = RoleSessionCache.awsCLI(environment: environment)
                var removed = 0
                if let profile {
                    var options = try ProfileOptions.parse(["--profile", profile])
                    options.noCache = false
                    let session = try CredentialSession(options: options, environment: environment)
                    let keys = Result { try session.resolver.cacheKeys() }
                    await session.close()
                    for key in try keys.get() { removed += try cache.clear(key: key) }
                } else {
                    removed = try cache.clear()
                }
                print("Removed \(removed) cached session\(removed == 1 ? "" : "s").")
            }
        }
    }
}
