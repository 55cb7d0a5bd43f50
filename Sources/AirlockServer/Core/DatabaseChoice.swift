import Foundation

/// Where the server keeps its data: SQLite in the data folder (the embedded default), or PostgreSQL so that
/// several `airlock serve` processes can share one database.
public enum DatabaseChoice: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    public struct InvalidURL: Error, CustomStringConvertible {
        public let url: String
        public var description: String {
            "Unsupported database URL: expected postgres://user:password@host:port/database (got scheme \"\(URL(string: url)?.scheme ?? "none")\")."
        }
    }

    /// PostgreSQL when a URL is given, otherwise `airlock.sqlite` in `dataDirectory`.
    public static func resolve(databaseURL: String?, dataDirectory: URL) throws -> DatabaseChoice {
        guard let databaseURL, !databaseURL.isEmpty else {
            return .sqlite(path: dataDirectory.appendingPathComponent("airlock.sqlite").path)
        }
        guard let scheme = URL(string: databaseURL)?.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw InvalidURL(url: databaseURL)
        }
        return .postgres(url: databaseURL)
    }

    /// For logs and the start-up line: the database without its password.
    public var redactedDescription: String {
        switch self {
        case let .sqlite(path):
            return "SQLite at \(path)"
        case let .postgres(url):
            guard var components = URLComponents(string: url) else { return "PostgreSQL" }
            if components.password != nil { components.password = "***" }
            return "PostgreSQL at \(components.string ?? "?")"
        }
    }
}
