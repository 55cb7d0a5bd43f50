import ArgumentParser
import Foundation

/// `airlock serve` and `airlock admin` run `airlock-server`, installed beside `airlock`: the server (Vapor,
/// Fluent, SQLite, PostgreSQL) lives in that binary alone, so the client that `credential_process`, `exec` and
/// `whoami` start again and again is a fraction of its size and starts faster (Benchmarks/README.md's client figures).
enum ServerCommand {
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Run the Airlock server (airlock-server serve; see airlock serve --help).",
            helpNames: []
        )

        @Argument(parsing: .captureForPassthrough, help: "The server's options (airlock serve --help lists them).")
        var arguments: [String] = []

        func run() throws {
            try ServerBinary.replaceProcess(with: ["serve"] + arguments)
        }
    }

    struct Admin: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "admin",
            abstract: "Create users and API tokens from scripts, on the server's database (airlock-server admin).",
            helpNames: []
        )

        @Argument(parsing: .captureForPassthrough, help: "The subcommand and its options (airlock admin --help lists them).")
        var arguments: [String] = []

        func run() throws {
            try ServerBinary.replaceProcess(with: ["admin"] + arguments)
        }
    }
}
