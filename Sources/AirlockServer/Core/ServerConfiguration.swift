import Foundation

/// How `airlock serve` runs: where its data lives, where it listens, which database it uses.
public struct ServerConfiguration: Sendable {
    public var dataDirectory: URL
    public var hostname: String
    /// 0 picks a free port; the start-up line says which.
    public var port: Int
    /// `postgres://...`; nil for SQLite in the data folder.
    public var databaseURL: String?

    public init(dataDirectory: URL, hostname: String = "127.0.0.1", port: Int = 8080, databaseURL: String? = nil) {
        self.dataDirectory = dataDirectory
        self.hostname = hostname
        self.port = port
        self.databaseURL = databaseURL
    }
}
