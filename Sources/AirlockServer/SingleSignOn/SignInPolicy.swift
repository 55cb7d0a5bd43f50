import Foundation

/// How people sign in to this server's pages: with the identity provider, with local passwords or both, and for
/// how long a browser session lasts.
public struct SignInPolicy: Sendable {
    /// The OpenID Connect provider; nil: local passwords only.
    public var singleSignOn: SingleSignOnConfiguration?
    /// Whether people may log in with a local password. Off, only the server's administrators may, as a logged
    /// break-glass path for when the provider is down.
    public var localPasswords = true
    /// How long a browser session lasts after signing in.
    public var sessionLifetime: TimeInterval = 12 * 60 * 60

    public init(singleSignOn: SingleSignOnConfiguration? = nil, localPasswords: Bool = true, sessionLifetime: TimeInterval = 12 * 60 * 60) {
        self.singleSignOn = singleSignOn
        self.localPasswords = localPasswords
        self.sessionLifetime = sessionLifetime
    }
}
