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
            discussion: """
                Always leaves out .terraform/ and .git/, Terraform's state files and their backups, saved plans
                (*.tfplan), crash logs and .env files, then what the folder's .terraformignore names (gitignore's format,
                as Terraform's remote backend reads it), and says what it left out. The same files give the same
                configuration version.
                """
        )

        @OptionGroup var server: ServerOptions

        @Argument(help: "The configuration folder.")
        var directory: String = "."

        @Option(help: "ORG/ENV")
        var env: EnvironmentAddress

        func run() async throws {
            let api = try server.api()
            let (archive, leftOut) = try ConfigurationPacker.pack(URL(fileURLWithPath: directory))
            if !leftOut.isEmpty {
                // Names are printed without their control characters (a file name must not drive the terminal).
                let printable = leftOut.prefix(20).map { String($0.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) }) }
                let shown = printable.joined(separator: ", ") + (leftOut.count > 20 ? " and \(leftOut.count - 20) more" : "")
                FileHandle.standardError.write(Data("Left out (see airlock push --help): \(shown)\n".utf8))
            }
            let address = env
            let version = try await api.call {
                try await $0.uploadConfigurationVersion(path: .init(organization: address.organization, environment: address.environment),
                                                        body: .applicationGzip(HTTPBody(archive))).created.body.json
            }
            print("Uploaded configuration \(version.sha256.prefix(12)) (\(version.size) bytes) to \(address) as version \(version.id).")
        }
    }
}
