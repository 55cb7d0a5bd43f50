import AirlockServer
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock serve`: the web UI, JSON API and run workers.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the Airlock server.",
            discussion: """
                With no database URL the server keeps everything in SQLite in the data folder, created and
                migrated on first start. With --database-url postgres://... (or AIRLOCK_DATABASE_URL) several
                servers share one PostgreSQL database.
                """
        )

        @OptionGroup var data: ServerDataOptions

        @Option(help: "Address to listen on.")
        var hostname: String = "127.0.0.1"

        @Option(help: "Port to listen on (0 picks a free one).")
        var port: Int = 8080

        @Option(help: ArgumentHelp("The address browsers use, e.g. https://airlock.example.com behind a TLS proxy.",
                                   discussion: "With https, session cookies are marked Secure."))
        var externalURL: String?

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535.") }
            if let externalURL {
                guard let url = URL(string: externalURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                    throw ValidationError("--external-url must be an http:// or https:// address, such as https://airlock.example.com.")
                }
            }
        }

        func run() async throws {
            var configuration = data.configuration(hostname: hostname, port: port)
            configuration.externalURL = externalURL.flatMap(URL.init(string:))
            do {
                try await AirlockServer.serve(configuration) { line in
                    // Written straight to the descriptor: a supervisor or test reading a pipe sees it at once.
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
            } catch {
                throw CLIFailure.report(error)
            }
        }
    }
}
