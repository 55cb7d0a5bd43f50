import AirlockAWS
import Foundation

/// The API tokens `airlock login` stored, by server, in `$XDG_CONFIG_HOME/airlock/credentials.json`
/// (default `~/.config/airlock/credentials.json`), written atomically with mode 0600 in a 0700 folder.
struct ServerLogins: Codable, Equatable {
    struct Login: Codable, Equatable {
        var token: String
        var username: String
    }

    /// Logins by server root URL (`http://127.0.0.1:8080`).
    var servers: [String: Login] = [:]
    /// The server commands use without `--server`: the last one logged in to.
    var defaultServer: String?

    enum CodingKeys: String, CodingKey {
        case servers
        case defaultServer = "default_server"
    }

    static func file(environment: [String: String]) -> URL {
        let config = environment["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        return config.appendingPathComponent("airlock").appendingPathComponent("credentials.json")
    }

    static func load(from file: URL) throws -> ServerLogins {
        guard let data = try? Data(contentsOf: file) else { return ServerLogins() }
        do {
            return try JSONDecoder().decode(ServerLogins.self, from: data)
        } catch {
            throw CLIError("\(file.path) is not a credentials file Airlock wrote; remove it and run `airlock login` again.")
        }
    }

    func save(to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: file)
    }

    /// A server address as a key: scheme, host and port, without a trailing slash.
    /// - Parameter insecureHTTP: whether plain `http://` may go beyond this machine (`--insecure-http`): the API
    ///   token and MFA codes travel in every request, readable by anyone on the way.
    static func normalized(_ server: String, insecureHTTP: Bool = false) throws -> URL {
        let trimmed = server.hasSuffix("/") ? String(server.dropLast()) : server
        guard let url = URL(string: trimmed), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), let host = url.host,
              url.query == nil else {
            throw CLIError("\"\(server)\" is not a server address; give one like https://airlock.example.com.")
        }
        if url.scheme?.lowercased() == "http", !insecureHTTP, !isLoopback(host) {
            throw CLIError("""
                \(url.absoluteString) is plain HTTP: your API token and MFA codes would cross the network unencrypted. \
                Use https:// (airlock serve --tls-certificate, or a TLS proxy), or pass --insecure-http if you accept that.
                """)
        }
        return url
    }

    /// This machine: 127.0.0.0/8, ::1, localhost.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        // Four decimal numbers, digits only (Swift reads "+1" as a number; the resolver would not, and would ask DNS).
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) && UInt8($0) != nil }
    }
}

/// A command-line error with the message to print.
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
