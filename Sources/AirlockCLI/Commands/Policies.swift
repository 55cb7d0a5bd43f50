import AirlockAPIClient
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock policy list|show|versions|create|push|update|delete`: an organization's policy sets (Rego policies checked
    /// against every plan before anyone may confirm it), through the server's API.
    struct PolicyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: "Policy sets of an organization: Rego policies every plan is checked against before it may be applied.",
            subcommands: [List.self, Show.self, Versions.self, Create.self, Push.self, Update.self, Delete.self]
        )

        /// The organization and the set a command names.
        struct SetArguments: ParsableArguments {
            @Argument(help: "The organization.")
            var organization: String

            @Argument(help: "The policy set.")
            var set: String
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List an organization's policy sets.")

            @OptionGroup var server: ServerOptions

            @Argument(help: "The organization.")
            var organization: String

            func run() async throws {
                let name = organization
                let sets = try await server.api().call { try await $0.listPolicySets(path: .init(organization: name)).ok.body.json }
                for set in sets { print(PolicyCommand.line(set)) }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a policy set's policies (default: its newest version).")

            @OptionGroup var server: ServerOptions
            @OptionGroup var target: SetArguments

            @Option(help: "A version number.")
            var version: Int?

            func run() async throws {
                let (organization, set, number) = (target.organization, target.set, version)
                let api = try server.api()
                let policies: [Components.Schemas.PolicySource]
                if let number {
                    policies = try await api.call {
                        try await $0.getPolicySetVersion(path: .init(organization: organization, policySet: set, version: number)).ok.body.json
                    }.policies
                } else {
                    let found = try await api.call { try await $0.getPolicySet(path: .init(organization: organization, policySet: set)).ok.body.json }
                    print(PolicyCommand.line(found))
                    policies = found.policies
                }
                for policy in policies { print("# \(policy.name).rego\n\(policy.source)") }
            }
        }

        struct Versions: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "versions", abstract: "List every version of a policy set, newest first.")

            @OptionGroup var server: ServerOptions
            @OptionGroup var target: SetArguments

            func run() async throws {
                let (organization, set) = (target.organization, target.set)
                let versions = try await server.api().call {
                    try await $0.listPolicySetVersions(path: .init(organization: organization, policySet: set)).ok.body.json
                }
                for version in versions {
                    print("v\(version.number)\t\(version.createdBy)\t\(ISO8601DateFormatter().string(from: version.createdAt))\t"
                        + version.policies.map(\.name).joined(separator: ", "))
                }
            }
        }

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create", abstract: "Create a policy set from Rego files (organization owners only).",
                discussion: "Each file is one policy, named by the file (no-destroy.rego: no-destroy), starting with its package line.")

            @OptionGroup var server: ServerOptions
            @OptionGroup var target: SetArguments

            @Option(help: "advisory, soft-mandatory or hard-mandatory.")
            var enforcement: Components.Schemas.PolicyEnforcement

            @Option(name: .customLong("env"), help: "An environment it covers (repeatable; default: every environment).")
            var environments: [String] = []

            @Argument(help: "The Rego files.")
            var files: [String]

            func run() async throws {
                let (organization, set, environments, level) = (target.organization, target.set, environments, enforcement)
                let policies = try PolicyCommand.policies(files)
                let created = try await server.api().call {
                    try await $0.createPolicySet(path: .init(organization: organization), body: .json(.init(
                        name: set, enforcement: level, environments: environments.isEmpty ? nil : environments, policies: policies))).created.body.json
                }
                print("Created \(PolicyCommand.line(created))")
            }
        }

        struct Push: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "push", abstract: "Push a new version of a policy set's policies from Rego files (organization owners only).",
                discussion: "The new version holds exactly these files; plans from now on are checked against it. Every version is kept.")

            @OptionGroup var server: ServerOptions
            @OptionGroup var target: SetArguments

            @Argument(help: "The Rego files.")
            var files: [String]

            func run() async throws {
                let (organization, set) = (target.organization, target.set)
                let policies = try PolicyCommand.policies(files)
                let pushed = try await server.api().call {
                    try await $0.pushPolicySetVersion(path: .init(organization: organization, policySet: set), body: .json(.init(policies: policies)))
                        .created.body.json
                }
                print("Pushed \(PolicyCommand.line(pushed))")
            }
        }

        struct Update: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "update", abstract: "Change a policy set's enforcement or the environments it covers (organization owners only).")

            @OptionGroup var server: ServerOptions
            @OptionGroup var target: SetArguments

            @Option(help: "advisory, soft-mandatory or hard-mandatory.")
            var enforcement: Components.Schemas.PolicyEnforcement?

            @Option(name: .customLong("env"), help: "An environment it covers (repeatable): it then covers exactly these.")
            var environments: [String] = []

            @Flag(help: "Cover every environment.")
            var allEnvironments = false

            func validate() throws {
                if allEnvironments, !environments.isEmpty { throw ValidationError("--env and --all-environments go one without the other.") }
            }

            func run() async throws {
                let (organization, set, environments, all, level) = (target.organization, target.set, environments, allEnvironments, enforcement)
                let updated = try await server.api().call {
                    try await $0.updatePolicySet(path: .init(organization: organization, policySet: set), body: .json(.init(
                        enforcement: level, environments: environments.isEmpty ? nil : environments, allEnvironments: all ? true : nil))).ok.body.json
                }
                print("Updated \(PolicyCommand.line(updated))")
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "delete", abstract: "Delete a policy set and its versions (organization owners only).")

            @OptionGroup var server: ServerOptions
            @OptionGroup var target: SetArguments

            func run() async throws {
                let (organization, set) = (target.organization, target.set)
                _ = try await server.api().call { try await $0.deletePolicySet(path: .init(organization: organization, policySet: set)).noContent }
                print("Deleted the policy set \(set).")
            }
        }

        static func line(_ set: Components.Schemas.PolicySet) -> String {
            "\(set.name)\t\(set.enforcement.rawValue)\tv\(set.version)\t"
                + (set.environments.map { $0.joined(separator: ",") } ?? "every environment") + "\t" + set.policies.map(\.name).joined(separator: ",")
        }

        /// One policy per Rego file, named by the file.
        static func policies(_ files: [String]) throws -> [Components.Schemas.PolicySource] {
            guard !files.isEmpty else { throw CLIError("Name at least one Rego file.") }
            return try files.map { path in
                let url = URL(fileURLWithPath: path)
                let name = url.deletingPathExtension().lastPathComponent.lowercased()
                guard let data = FileManager.default.contents(atPath: path), let source = String(data: data, encoding: .utf8) else {
                    throw CLIError("Cannot read \(path) as UTF-8 text.")
                }
                return .init(name: name, source: source)
            }
        }
    }
}

extension Components.Schemas.PolicyEnforcement: ExpressibleByArgument {}
