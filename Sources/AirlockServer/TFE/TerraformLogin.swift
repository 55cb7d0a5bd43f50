import AirlockAWS
import Crypto
import Fluent
import Foundation

/// `terraform login HOST`: OAuth 2's authorization code grant with PKCE (S256), as Terraform's `login.v1`
/// service expects. The browser page asks the logged-in user to approve; the code it hands Terraform's
/// local listener is exchanged once, within ten minutes, for an Airlock API token.
enum TerraformLogin {
    static let clientID = "terraform-cli"
    static var authorizePath: String { SiteURL.terraformLogin.path }
    static let tokenPath = "/oauth2/token"
    /// The ports Terraform may listen on for the redirect.
    static let ports = 10000...10010
    static let codeLifetime: TimeInterval = 600
    /// How long a token made by `terraform login` lasts.
    static let tokenLifetimeDays = 90

    /// An authorization request, checked: it may only send the code to Terraform's own listener on this machine.
    struct Request: Sendable {
        let redirectURI: String
        /// The port Terraform's listener is on (the approval page shows it).
        let port: Int
        /// `http://localhost:PORT`: where the approval sends the browser.
        let origin: String
        let state: String
        let codeChallenge: String

        init(clientID: String?, responseType: String?, redirectURI: String?, state: String?, codeChallenge: String?,
             codeChallengeMethod: String?) throws(Refused) {
            guard clientID == TerraformLogin.clientID else { throw Refused("This page only answers Terraform's own CLI (client_id terraform-cli).") }
            guard responseType == "code" else { throw Refused("Terraform asks for response_type=code; this request does not.") }
            // Exactly the shape Terraform's listener has: http://localhost:PORT/login, nothing more.
            guard let redirectURI, let url = URLComponents(string: redirectURI), url.scheme == "http",
                  ["localhost", "127.0.0.1"].contains(url.host ?? ""), let port = url.port, TerraformLogin.ports.contains(port),
                  url.user == nil, url.password == nil, url.path == SiteURL.login.path, url.query == nil, url.fragment == nil,
                  redirectURI == "http://\(url.host ?? ""):\(port)/login" else {
                throw Refused("The redirect must be Terraform's own listener on this machine (http://localhost:10000-10010/login).")
            }
            self.port = port
            self.origin = "http://\(url.host ?? "localhost"):\(port)"
            guard codeChallengeMethod == "S256", let codeChallenge, (43...128).contains(codeChallenge.count) else {
                throw Refused("Terraform sends a PKCE challenge (S256); this request has none.")
            }
            guard let state, !state.isEmpty, state.count <= 512 else { throw Refused("The request has no state.") }
            self.redirectURI = redirectURI
            self.state = state
            self.codeChallenge = codeChallenge
        }

        /// Where the browser goes with `query`, on Terraform's listener.
        func redirect(_ query: [URLQueryItem]) -> String {
            var components = URLComponents(string: redirectURI) ?? URLComponents()
            components.queryItems = (components.queryItems ?? []) + query + [URLQueryItem(name: "state", value: state)]
            return components.string ?? redirectURI
        }
    }

    /// An authorization request that cannot be answered, and why.
    struct Refused: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A code for `user`'s approval of `request`.
    static func issueCode(for request: Request, user: User, now: Date, on database: any Database) async throws -> String {
        let code = "alc_" + Hex.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
        try await TerraformLoginCode(codeHash: APIToken.hash(code), userID: try user.requireID(), redirectURI: request.redirectURI,
                                     codeChallenge: request.codeChallenge, expiresAt: now.addingTimeInterval(codeLifetime)).save(on: database)
        return code
    }

    /// OAuth's error for a token request that cannot be granted.
    struct GrantRefused: Error {
        let error: String
        let description: String
    }

    /// Exchanges a code for an API token: once, in time, from the same redirect and with the verifier of its challenge.
    static func exchange(code: String, verifier: String, redirectURI: String, clientID: String, now: Date,
                         on database: any Database) async throws -> String {
        guard clientID == TerraformLogin.clientID else { throw GrantRefused(error: "invalid_client", description: "Unknown client.") }
        return try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            guard let found = try await TerraformLoginCode.query(on: database).filter(\.$codeHash == APIToken.hash(code)).first() else {
                throw GrantRefused(error: "invalid_grant", description: "The code is unknown.")
            }
            // Locked, then read again: of two exchanges of one code, the second finds it spent.
            try await RowLock.lock(TerraformLoginCode.schema, id: try found.requireID(), on: database)
            guard let stored = try await TerraformLoginCode.find(try found.requireID(), on: database), stored.usedAt == nil,
                  stored.expiresAt > now.timeIntervalSince1970, stored.redirectURI == redirectURI,
                  challenge(of: verifier) == stored.codeChallenge else {
                throw GrantRefused(error: "invalid_grant", description: "The code is used, expired, or not for this verifier and redirect.")
            }
            stored.usedAt = now.timeIntervalSince1970
            try await stored.save(on: database)
            let name = "terraform login \(now.iso8601.prefix(10))"
            return try await APITokens.issue(to: stored.$user.id, name: name, expiresInDays: tokenLifetimeDays, now: now, on: database).token
        }
    }

    /// Deletes codes past their time, used or not (only their hashes were kept).
    static func purge(before now: Date, on database: any Database) async throws {
        try await TerraformLoginCode.query(on: database).filter(\.$expiresAt < now.timeIntervalSince1970).delete()
    }

    /// PKCE's S256: base64url(SHA-256(verifier)) without padding.
    static func challenge(of verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString
    }
}
