import AirlockAPIClient
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock org list|members|end-sessions`: the organizations you belong to, their members (with each one's last
    /// sign-in, for owners), and ending a member's sessions and tokens, through the server's API.
    struct Org: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "org",
            abstract: "Organizations on an Airlock server.",
            subcommands: [List.self, Members.self, EndSessions.self]
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

        struct Members: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "members", abstract: "List an organization's members and roles; owners also see each one's last sign-in and how.")

            @OptionGroup var server: ServerOptions

            @Argument(help: "The organization.")
            var organization: String

            func run() async throws {
                let api = try server.api()
                let name = organization
                let members = try await api.call { try await $0.listMembers(path: .init(organization: name)).ok.body.json }
                for member in members {
                    let signIn = member.lastSignInAt.map { "\t\($0.formatted(.iso8601))\t\(member.signedInWith?.rawValue ?? "")" } ?? ""
                    print("\(member.username)\t\(member.role.rawValue)\(signIn)")
                }
            }
        }

        struct EndSessions: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "end-sessions",
                abstract: "End a member's browser sessions and revoke their API tokens at once (owners only): for someone who left, or lost a device.")

            @OptionGroup var server: ServerOptions

            @Argument(help: "The organization.")
            var organization: String

            @Argument(help: "The member.")
            var username: String

            func run() async throws {
                let api = try server.api()
                let (name, username) = (organization, username)
                let ended = try await api.call {
                    try await $0.endMemberSessions(path: .init(organization: name, username: username)).ok.body.json
                }
                print("Ended \(username)'s browser sessions (\(ended.sessionsEnded)) and revoked their API tokens (\(ended.tokensRevoked)).")
            }
        }
    }
}
