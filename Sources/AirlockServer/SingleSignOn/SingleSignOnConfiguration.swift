import Foundation

/// The operator's OpenID Connect provider (`airlock serve --oidc-issuer ...`): who signs people in, and which of
/// the ID token's claims name a person, their email and their groups.
public struct SingleSignOnConfiguration: Sendable {
    /// The provider's issuer identifier, exactly as its discovery document and ID tokens say it.
    public var issuer: String
    public var clientID: String
    /// Read from a file at start-up, never from the command line (process lists show it).
    public var clientSecret: String
    /// The claim whose value becomes a new person's Airlock username.
    public var usernameClaim = "preferred_username"
    /// A username claim `name@<this domain>` gives the username `name`; other addresses are refused as usernames.
    public var usernameDomain: String?
    /// The claim that lists the person's groups (a list of strings, or one string).
    public var groupsClaim = "groups"
    /// What the authorization request asks for; `openid` is always among them.
    public var scopes = ["openid", "profile", "email"]
    /// Whether a first sign-in may take over a local account with the same, verified, email.
    public var linkLocalAccounts = false
    /// When not empty, only people in one of these groups (the groups claim) may sign in: an issuer that signs in
    /// anyone (Google's, say) then signs in only the company's people.
    public var allowedGroups: [String] = []
    /// What the login page's button says: "Sign in with <name>".
    public var displayName = "single sign-on"

    public init(issuer: String, clientID: String, clientSecret: String) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    /// Refuses an issuer that is not an https URL (plain http only on loopback, for a provider on this machine).
    public func validated() throws -> SingleSignOnConfiguration {
        guard let url = URL(string: issuer), let scheme = url.scheme?.lowercased(), url.host != nil, url.query == nil, url.fragment == nil else {
            throw SingleSignOnConfigurationError.invalidIssuer(issuer)
        }
        guard scheme == "https" || OpenIDDiscovery.isLoopbackHTTP(issuer) else {
            throw SingleSignOnConfigurationError.insecureIssuer(issuer)
        }
        guard !clientID.isEmpty, !clientSecret.isEmpty else { throw SingleSignOnConfigurationError.missingClient }
        var copy = self
        if !copy.scopes.contains("openid") { copy.scopes.insert("openid", at: 0) }
        return copy
    }
}

/// Why `airlock serve` refuses its single sign-on options.
public enum SingleSignOnConfigurationError: Error, CustomStringConvertible {
    case invalidIssuer(String)
    case insecureIssuer(String)
    case missingClient

    public var description: String {
        switch self {
        case let .invalidIssuer(issuer):
            "--oidc-issuer \(issuer) is not a URL: give the provider's issuer, e.g. https://login.example.com/realms/staff."
        case let .insecureIssuer(issuer):
            "--oidc-issuer \(issuer) must start with https:// (plain http only for a provider on this machine's loopback)."
        case .missingClient:
            "Single sign-on needs --oidc-client-id and --oidc-client-secret-file (a file holding the client secret)."
        }
    }
}
