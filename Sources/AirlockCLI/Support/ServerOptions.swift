import AirlockAPIClient
import ArgumentParser
import Foundation

/// `--server`, shared by the commands that talk to an Airlock server. The token comes from `AIRLOCK_TOKEN`
/// or from what `airlock login` stored for that server.
struct ServerOptions: ParsableArguments {
    @Option(help: "The Airlock server (default: $AIRLOCK_SERVER, else the last one you logged in to).")
    var server: String?

    @Flag(help: "Allow a plain http:// server beyond this machine (the token and MFA codes then cross the network unencrypted).")
    var insecureHTTP = false

    /// A client for the chosen server with its token, or an error saying how to log in.
    func api(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AirlockAPI {
        let logins = try ServerLogins.load(from: ServerLogins.file(environment: environment))
        guard let chosen = server ?? environment["AIRLOCK_SERVER"] ?? logins.defaultServer else {
            throw CLIError("No server given. Run `airlock login --server URL` first, or pass --server URL.")
        }
        let url = try ServerLogins.normalized(chosen, insecureHTTP: insecureHTTP)
        guard let token = environment["AIRLOCK_TOKEN"] ?? logins.servers[url.absoluteString]?.token else {
            throw CLIError("Not logged in to \(url.absoluteString). Run `airlock login --server \(url.absoluteString)`.")
        }
        return AirlockAPI(server: url, token: token)
    }
}
