import AirlockAPIClient
import ArgumentParser
import Foundation
import OpenAPIRuntime

extension Airlock {
    /// `airlock push DIR --env ORG/ENV`: uploads a configuration for the environment's next runs.
    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push",
            abstract: "Upload a Terraform configuration folder to an environment.",
            discussion: "Skips .terraform/, .git/ and state files. The same files give the same configuration version."
        )

        @OptionGroup var server: ServerOptions

        @Argument(help: "The configuration folder.")
        var directory: String = "."

        @Option(help: "ORG/ENV")
        var env: EnvironmentAddress

        func run() async throws {
            let api = try server.api()
            let archive = try ConfigurationPacker.pack(URL(fileURLWithPath: directory))
            let address = env
            let version = try await api.call {
                try await $0.uploadConfigurationVersion(path: .init(organization: address.organization, environment: address.environment),
                                                        body: .applicationGzip(HTTPBody(archive))).created.body.json
            }
            print("Uploaded configuration \(version.sha256.prefix(12)) (\(version.size) bytes) to \(address) as version \(version.id).")
        }
    }
}
