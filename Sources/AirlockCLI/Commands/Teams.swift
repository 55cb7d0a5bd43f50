import AirlockAPIClient
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock team list|create|set-group|delete|add|remove|access|grant|revoke|open`: an organization's teams, and what
    /// each may do in an environment, through the server's API.
    struct Team: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "team",
            abstract: "Teams of an organization, and their access to environments.",
            subcommands: [List.self, Create.self, SetGroup.self, Delete.self, Add.self, Remove.self, Access.self, Grant.self, Revoke.self,
                          Open.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list", abstract: "List an organization's teams: their identity provider group, people and environments.")

            @OptionGroup var server: ServerOptions

            @Argument(help: "The organization.")
            var organization: String

            func run() async throws {
                let api = try server.api()
                let name = organization
                let teams = try await api.call { try await $0.listTeams(path: .init(organization: name)).ok.body.json }
                for team in teams {
                    print(team.name + (team.identityProviderGroup.map { "\tgroup \($0)" } ?? ""))
                    for member in team.members { print("  member\t\(member.username)\(member.fromGroup ? "\tfrom the group" : "")") }
                    for access in team.environments { print("  env\t\(name)/\(access.environment)\t\(access.access.rawValue)") }
                }
            }
        }

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a team (organization owners only).")

            @OptionGroup var server: ServerOptions

            @Argument(help: "The organization.")
            var organization: String

            @Argument(help: "The team's name.")
            var team: String

            @Option(help: "An identity provider group (as the server's groups claim names it) whose people the team follows at each sign-in.")
            var group: String?

            func run() async throws {
                let api = try server.api()
                let (name, team, group) = (organization, team, group)
                _ = try await api.call {
                    try await $0.createTeam(path: .init(organization: name), body: .json(.init(name: team, identityProviderGroup: group))).created
                }
                print("Created the team \(team) in \(name)\(group.map { ", following the group \($0)" } ?? "").")
            }
        }

        struct SetGroup: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set-group",
                abstract: "Set the identity provider group a team follows, or clear it with \"\" (organization owners only).",
                discussion: "The people the old group brought in leave the team at once; the new group's join at their next sign-in.")

            @OptionGroup var server: ServerOptions

            @Argument(help: "The organization.")
            var organization: String

            @Argument(help: "The team.")
            var team: String

            @Argument(help: "The group; \"\" for none.")
            var group: String

            func run() async throws {
                let api = try server.api()
                let (name, team, group) = (organization, team, group)
                _ = try await api.call {
                    try await $0.updateTeam(path: .init(organization: name, team: team), body: .json(.init(identityProviderGroup: group))).ok
                }
                print(group.isEmpty ? "\(team) follows no group." : "\(team) follows the group \(group).")
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "delete", abstract: "Delete a team (organization owners only); its people lose what it gave them at once.")

            @OptionGroup var server: ServerOptions

            @Argument(help: "The organization.")
            var organization: String

            @Argument(help: "The team.")
            var team: String

            func run() async throws {
                let api = try server.api()
                let (name, team) = (organization, team)
                _ = try await api.call { try await $0.deleteTeam(path: .init(organization: name, team: team)).noContent }
                print("Deleted the team \(team).")
            }
        }

        /// The person an `add` or `remove` names, and where.
        struct MemberArguments: ParsableArguments {
            @Argument(help: "The organization.")
            var organization: String

            @Argument(help: "The team.")
            var team: String

            @Argument(help: "The member.")
            var username: String
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a member of the organization to a team (owners only).")

            @OptionGroup var server: ServerOptions
            @OptionGroup var member: MemberArguments

            func run() async throws {
                let api = try server.api()
                let (name, team, username) = (member.organization, member.team, member.username)
                _ = try await api.call { try await $0.addTeamMember(path: .init(organization: name, team: team, username: username)).ok }
                print("\(username) is in \(team).")
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Take a person out of a team (owners only).")

            @OptionGroup var server: ServerOptions
            @OptionGroup var member: MemberArguments

            func run() async throws {
                let api = try server.api()
                let (name, team, username) = (member.organization, member.team, member.username)
                _ = try await api.call { try await $0.removeTeamMember(path: .init(organization: name, team: team, username: username)).noContent }
                print("Removed \(username) from \(team).")
            }
        }

        struct Access: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "access", abstract: "List the teams with access to an environment.")

            @OptionGroup var server: ServerOptions

            @Argument(help: "ORG/ENV")
            var environment: EnvironmentAddress

            func run() async throws {
                let api = try server.api()
                let address = environment
                let access = try await api.call {
                    try await $0.listTeamAccess(path: .init(organization: address.organization, environment: address.environment)).ok.body.json
                }
                let described = try await api.call {
                    try await $0.getEnvironment(path: .init(organization: address.organization, environment: address.environment)).ok.body.json
                }
                if described.restrictedToTeams != true {
                    print("Not restricted to teams: every member of \(address.organization) reads \(address), queues plans and approves applies.")
                } else if access.isEmpty {
                    print("Restricted to teams, and no team has access: only owners reach \(address).")
                }
                for entry in access { print("\(entry.team)\t\(entry.access.rawValue)") }
            }
        }

        struct Grant: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "grant",
                abstract: "Give a team access to an environment, or change it (organization owners only).",
                discussion: """
                    ACCESS is read, plan (queue, authenticate, discard and cancel plans), approve (approve applies) or administer \
                    (the environment's variables and its state by hand); each includes those before it. The first team given access \
                    restricts the environment: from then on its members reach it only through their teams.
                    """)

            @OptionGroup var server: ServerOptions

            @Argument(help: "ORG/ENV")
            var environment: EnvironmentAddress

            @Argument(help: "The team.")
            var team: String

            @Argument(help: "read, plan, approve or administer.")
            var access: Components.Schemas.EnvironmentAccess

            func run() async throws {
                let api = try server.api()
                let (address, team, access) = (environment, team, access)
                _ = try await api.call {
                    try await $0.setTeamAccess(path: .init(organization: address.organization, environment: address.environment, team: team),
                                               body: .json(.init(access: access))).ok
                }
                print("\(team) may \(access.rawValue) in \(address).")
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "revoke", abstract: "Take a team's access to an environment away (organization owners only).",
                discussion: "The environment stays restricted to teams: without any, only owners reach it until `airlock team open` opens it.")

            @OptionGroup var server: ServerOptions

            @Argument(help: "ORG/ENV")
            var environment: EnvironmentAddress

            @Argument(help: "The team.")
            var team: String

            func run() async throws {
                let api = try server.api()
                let (address, team) = (environment, team)
                _ = try await api.call {
                    try await $0.removeTeamAccess(path: .init(organization: address.organization, environment: address.environment, team: team)).noContent
                }
                print("\(team) no longer has access to \(address).")
            }
        }

        struct Open: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "open",
                abstract: "Open an environment to every member again (organization owners only); the teams' access to it goes.")

            @OptionGroup var server: ServerOptions

            @Argument(help: "ORG/ENV")
            var environment: EnvironmentAddress

            func run() async throws {
                let api = try server.api()
                let address = environment
                _ = try await api.call {
                    try await $0.openEnvironmentToMembers(path: .init(organization: address.organization, environment: address.environment)).noContent
                }
                print("\(address) is open to every member of \(address.organization) again.")
            }
        }
    }
}

extension Components.Schemas.EnvironmentAccess: ExpressibleByArgument {}
