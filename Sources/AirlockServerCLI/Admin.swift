import AirlockServer
import ArgumentParser
import Foundation

extension AirlockServerCommand {
    /// `airlock admin`: set-up from scripts, straight on the server's database (no server needs to run).
    struct Admin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "admin",
            abstract: "Create users and API tokens from scripts, on the server's database.",
            subcommands: [CreateUser.self, SetEmail.self, SetAdministrator.self, CreateToken.self, CreateOrganization.self, AddMember.self]
        )

        /// `airlock admin create-user --username U --password-stdin`
        struct CreateUser: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create-user",
                abstract: "Create a user; the password is read from standard input so it stays out of process lists."
            )

            @OptionGroup var data: ServerDataOptions

            @Option(help: "Lowercase letters, digits, '.', '_' or '-'.")
            var username: String

            @Flag(help: "Read the password from standard input (the only way to give it).")
            var passwordStdin = false

            @Flag(help: "Make the user one of the server's administrators (who create organizations, by default).")
            var administrator = false

            @Option(help: "The person's email (a first sign-in through the identity provider with it may take the account over).")
            var email: String?

            func validate() throws {
                guard passwordStdin else { throw ValidationError("Give the password on standard input with --password-stdin.") }
            }

            func run() async throws {
                let password = (readLine(strippingNewline: true) ?? "")
                let (username, administrator, email) = (username, administrator, email)
                _ = try await AirlockServer.withDatabase(data.configuration()) { database in
                    try await Accounts.createUser(username: username, password: password, administrator: administrator, email: email, on: database)
                }
                print("Created user \(username)\(administrator ? ", an administrator" : "").")
            }
        }

        /// `airlock admin set-email --username U [--email E]`
        struct SetEmail: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set-email",
                abstract: "Set a local account's email, or (without --email) remove it."
            )

            @OptionGroup var data: ServerDataOptions

            @Option(help: "The user.")
            var username: String

            @Option(help: "The email; left out, the account has none.")
            var email: String?

            func run() async throws {
                let (username, email) = (username, email)
                try await AirlockServer.withDatabase(data.configuration()) { database in
                    try await Accounts.setEmail(username, email, on: database)
                }
                print(email.map { "\(username)'s email is \($0.lowercased())." } ?? "\(username) has no email.")
            }
        }

        /// `airlock admin set-administrator --username U [--remove]`
        struct SetAdministrator: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set-administrator",
                abstract: "Make a user one of the server's administrators, or (--remove) no longer one."
            )

            @OptionGroup var data: ServerDataOptions

            @Option(help: "The user.")
            var username: String

            @Flag(help: "No longer an administrator.")
            var remove = false

            func run() async throws {
                let (username, administrator) = (username, !remove)
                try await AirlockServer.withDatabase(data.configuration()) { database in
                    try await Accounts.setAdministrator(username, administrator, on: database)
                }
                print(administrator ? "\(username) is an administrator." : "\(username) is no longer an administrator.")
            }
        }

        /// `airlock admin create-token --username U [--name N] [--expires-in-days D]`
        struct CreateToken: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create-token",
                abstract: "Issue an API token for a user and print it (shown this once; only its hash is kept)."
            )

            @OptionGroup var data: ServerDataOptions

            @Option(help: "The user the token acts as.")
            var username: String

            @Option(help: "What the token is for.")
            var name: String = "cli"

            @Option(name: .customLong("expires-in-days"), help: "Days until the token stops working (1 to 3650); without it, it works until revoked.")
            var expiresInDays: Int?

            func run() async throws {
                let (username, name, days) = (username, name, expiresInDays)
                let token = try await AirlockServer.withDatabase(data.configuration()) { database in
                    try await Accounts.issueToken(username: username, name: name, expiresInDays: days, on: database)
                }
                print(token)
            }
        }
    

        /// `airlock admin create-org --name N --owner U`
        struct CreateOrganization: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create-org",
                abstract: "Create an organization with a first owner."
            )

            @OptionGroup var data: ServerDataOptions

            @Option(help: "Lowercase letters, digits, '.', '_' or '-'.")
            var name: String

            @Option(help: "The user who owns it first.")
            var owner: String

            func run() async throws {
                let (name, owner) = (name, owner)
                try await AirlockServer.withDatabase(data.configuration()) { database in
                    try await Organizations.create(name: name, ownerUsername: owner, on: database)
                }
                print("Created organization \(name), owned by \(owner).")
            }
        }
    
        /// `airlock admin add-member --organization O --username U [--role member|owner]`
        struct AddMember: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add-member",
                abstract: "Add a user to an organization, or change their role."
            )

            @OptionGroup var data: ServerDataOptions

            @Option(help: "The organization.")
            var organization: String

            @Option(help: "The user to add.")
            var username: String

            @Option(help: "owner or member.")
            var role: String = "member"

            func run() async throws {
                let (organization, username, role) = (organization, username, role)
                try await AirlockServer.withDatabase(data.configuration()) { database in
                    try await Organizations.setMember(username, role: role, in: organization, on: database)
                }
                print("\(username) is now \(role == "owner" ? "an owner" : "a member") of \(organization).")
            }
        }
    }
}
