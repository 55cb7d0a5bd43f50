import AirlockServer
import ArgumentParser
import Foundation

/// Where the server's data lives: the options `serve` and `admin` share.
struct ServerDataOptions: ParsableArguments {
    @Option(help: "Folder for the SQLite database and the server's keys.")
    var dataDir: String = "./airlock-data"

    @Option(help: "PostgreSQL URL, postgres://user:password@host:port/database (default: $AIRLOCK_DATABASE_URL).")
    var databaseURL: String?

    func configuration(hostname: String = "127.0.0.1", port: Int = 8080) -> ServerConfiguration {
        ServerConfiguration(
            dataDirectory: URL(fileURLWithPath: dataDir), hostname: hostname, port: port,
            databaseURL: databaseURL ?? ProcessInfo.processInfo.environment["AIRLOCK_DATABASE_URL"]
        )
    }
}
