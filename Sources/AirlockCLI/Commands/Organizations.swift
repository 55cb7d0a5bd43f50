import AirlockAPIClient
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock org list`: the organizations you belong to, through the server's API.
    struct Org: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "org",
            abstract: "Organizations on an Airlock server.",
            subcommands: [List.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List your organizations and your role in each.")

            @OptionGroup var server: ServerOptions

            func run() async throws {
                let api = try server.api()
                let organizations = try await api.call { try await $0.listOrganizations().ok.body.json }
                for organization in organizations { print("\(organization.name)\t\(organization.role.rawValue)") }
            }
        }
    }
}
