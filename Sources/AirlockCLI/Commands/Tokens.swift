import AirlockAPIClient
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock token list|create|revoke`: your own API tokens, through the server's API.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Your API tokens on an Airlock server: list them, issue one, revoke one.",
            subcommands: [List.self, Create.self, Revoke.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "List your tokens: id, name, created, expires, last used (* marks the one this command uses)."
            )

            @OptionGroup var server: ServerOptions

            func run() async throws {
                let api = try server.api()
                let tokens = try await api.call { try await $0.listAPITokens().ok.body.json }
                for token in tokens {
                    let dates = [token.createdAt, token.expiresAt, token.lastUsedAt].map { $0.map(Self.format) ?? "-" }
                    print(([token.current == true ? "*" : " ", token.id, token.name] + dates).joined(separator: "\t"))
                }
            }

            static func format(_ date: Date) -> String {
                date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false))
            }
        }

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create",
                abstract: "Issue yourself a token and print it (shown this once; only its hash is kept)."
            )

            @OptionGroup var server: ServerOptions

            @Option(help: "What the token is for (e.g. \"ci-deploy\").")
            var name: String

            @Option(name: .customLong("expires-in-days"), help: "Days until the token stops working (1 to 3650); without it, it works until revoked.")
            var expiresInDays: Int?

            func run() async throws {
                let api = try server.api()
                let (name, days) = (name, expiresInDays)
                let issued = try await api.call {
                    try await $0.createAPIToken(body: .json(.init(name: name, expiresInDays: days))).created.body.json
                }
                print(issued.token)
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke one of your tokens by its id (from `airlock token list`).")

            @OptionGroup var server: ServerOptions

            @Argument(help: "The token's id.")
            var id: String

            func run() async throws {
                let api = try server.api()
                let id = id
                _ = try await api.call { try await $0.revokeAPIToken(path: .init(id: id)).noContent }
                print("Revoked token \(id).")
            }
        }
    }
}
