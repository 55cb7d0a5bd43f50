import AirlockAPIClient
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock env list|create|delete`: environments, through the server's API.
    struct Env: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "env",
            abstract: "Environments on an Airlock server.",
            subcommands: [List.self, Create.self, Delete.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List an organization's environments.")

            @OptionGroup var server: ServerOptions

            @Option(help: "The organization.")
            var org: String

            @Option(help: "Only environments whose name contains this text.")
            var search: String?

            /// Every page, in name order: the server sends at most 100 environments per answer.
            func run() async throws {
                let api = try server.api()
                var after: String?
                repeat {
                    let query = Operations.ListEnvironments.Input.Query(after: after, search: search)
                    let page = try await api.call { try await $0.listEnvironments(path: .init(organization: org), query: query).ok }
                    let environments = try page.body.json
                    for environment in environments { print("\(environment.organization)/\(environment.name)") }
                    after = page.headers.link == nil ? nil : environments.last?.name
                } while after != nil
            }
        }

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an environment (organization owners only).")

            @OptionGroup var server: ServerOptions

            @Argument(help: "ORG/ENV")
            var environment: EnvironmentAddress

            func run() async throws {
                let api = try server.api()
                let address = environment
                let created = try await api.call {
                    try await $0.createEnvironment(path: .init(organization: address.organization), body: .json(.init(name: address.environment)))
                        .created.body.json
                }
                print("Created environment \(created.organization)/\(created.name).")
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete an environment (organization owners only).")

            @OptionGroup var server: ServerOptions

            @Argument(help: "ORG/ENV")
            var environment: EnvironmentAddress

            func run() async throws {
                let api = try server.api()
                let address = environment
                _ = try await api.call {
                    try await $0.deleteEnvironment(path: .init(organization: address.organization, environment: address.environment)).noContent
                }
                print("Deleted environment \(address).")
            }
        }
    }
}
