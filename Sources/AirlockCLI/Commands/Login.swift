import AirlockAPIClient
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock login --server URL`: stores an API token for the commands that talk to that server.
    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "login",
            abstract: "Store an API token for an Airlock server.",
            discussion: """
                The token (from `airlock admin create-token`) is checked against the server, then kept in
                ~/.config/airlock/credentials.json (mode 0600). It is read without echo from the terminal, or
                from standard input with --token-stdin.
                """
        )

        @Option(help: "The Airlock server, e.g. https://airlock.example.com.")
        var server: String

        @Flag(help: "Read the token from standard input instead of asking on the terminal.")
        var tokenStdin = false

        @Flag(help: "Allow a plain http:// server beyond this machine (the token then crosses the network unencrypted).")
        var insecureHTTP = false

        func run() async throws {
            let url = try ServerLogins.normalized(server, insecureHTTP: insecureHTTP)
            let token = try readToken(for: url)
            let api = AirlockAPI(server: url, token: token)
            let user = try await api.call { try await $0.getCurrentUser().ok.body.json }
            let file = ServerLogins.file(environment: ProcessInfo.processInfo.environment)
            var logins = try ServerLogins.load(from: file)
            logins.servers[url.absoluteString] = .init(token: token, username: user.username)
            logins.defaultServer = url.absoluteString
            try logins.save(to: file)
            print("Logged in to \(url.absoluteString) as \(user.username).")
        }

        private func readToken(for url: URL) throws -> String {
            let token: String?
            if tokenStdin {
                token = readLine(strippingNewline: true)
            } else {
                guard let terminal = TerminalPrompt() else {
                    throw CLIError("No terminal to ask for the token on; pipe it in with --token-stdin.")
                }
                switch terminal.readSecret(prompt: "API token for \(url.absoluteString): ") {
                case let .line(line): token = line
                case .cancelled: throw ExitCode(130)
                }
            }
            guard let token = token?.trimmingCharacters(in: .whitespaces), !token.isEmpty else {
                throw CLIError("No token given.")
            }
            return token
        }
    }

    /// `airlock logout [--server URL]`: forgets the stored token.
    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "logout", abstract: "Forget the API token stored for an Airlock server.")

        @Option(help: "The server (default: the last one you logged in to).")
        var server: String?

        func run() async throws {
            let file = ServerLogins.file(environment: ProcessInfo.processInfo.environment)
            var logins = try ServerLogins.load(from: file)
            guard let chosen = try server.map({ try ServerLogins.normalized($0, insecureHTTP: true).absoluteString }) ?? logins.defaultServer,
                  logins.servers.removeValue(forKey: chosen) != nil else {
                print("Not logged in.")
                return
            }
            if logins.defaultServer == chosen { logins.defaultServer = logins.servers.keys.sorted().first }
            try logins.save(to: file)
            print("Logged out of \(chosen).")
        }
    }
}
