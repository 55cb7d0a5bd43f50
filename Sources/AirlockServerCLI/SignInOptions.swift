import AirlockCLI
import AirlockServer
import ArgumentParser
import Foundation

/// `airlock serve`'s options for how people sign in: an OpenID Connect provider, local passwords, session lifetime.
struct SignInOptions: ParsableArguments {
    @Option(name: .customLong("oidc-issuer"),
            help: ArgumentHelp("Sign people in through this OpenID Connect provider (its issuer URL, e.g. https://login.example.com/realms/staff).",
                               valueName: "url"))
    var issuer: String?

    @Option(name: .customLong("oidc-client-id"), help: "The client id Airlock is registered with at the provider.")
    var clientID: String?

    @Option(name: .customLong("oidc-client-secret-file"),
            help: ArgumentHelp("A file holding the client's secret (kept out of the command line, which process lists show).", valueName: "path"))
    var clientSecretFile: String?

    @Option(name: .customLong("oidc-username-claim"), help: "The ID token claim that names a person (an email gives its part before the @).")
    var usernameClaim = "preferred_username"

    @Option(name: .customLong("oidc-username-domain"),
            help: ArgumentHelp("A username claim name@DOMAIN gives the username name (addresses of other domains are refused).", valueName: "domain"))
    var usernameDomain: String?

    @Option(name: .customLong("oidc-allowed-group"),
            help: ArgumentHelp("Only people in this group (repeat for several) may sign in: needed for an issuer that signs in anyone.", valueName: "group"))
    var allowedGroups: [String] = []

    @Option(name: .customLong("oidc-groups-claim"), help: "The ID token claim that lists the person's groups.")
    var groupsClaim = "groups"

    @Option(name: .customLong("oidc-scopes"), help: "The scopes asked for, separated by spaces (openid is always among them).")
    var scopes = "openid profile email"

    @Option(name: .customLong("oidc-name"), help: "What the login page's button calls the provider: \"Sign in with <name>\".")
    var displayName = "single sign-on"

    @Flag(name: .customLong("oidc-link-local-accounts"),
          help: "Let a first sign-in take over the local account with the same email, when the provider says it verified it.")
    var linkLocalAccounts = false

    @Flag(name: .customLong("no-local-passwords"),
          help: "Turn local passwords off: people sign in through the provider; administrators keep a logged break-glass login.")
    var noLocalPasswords = false

    @Option(name: .customLong("session-lifetime"), help: "How long a browser session lasts after signing in (e.g. 8h; 5m to 30d).")
    var sessionLifetime: DurationOption = DurationOption(argument: "12h")!

    func validate() throws {
        guard (300...(30 * 86_400)).contains(sessionLifetime.seconds) else { throw ValidationError("--session-lifetime must be 5m to 30d.") }
        if issuer == nil {
            guard clientID == nil, clientSecretFile == nil, !linkLocalAccounts, usernameDomain == nil, allowedGroups.isEmpty else {
                throw ValidationError("The --oidc-... options need --oidc-issuer.")
            }
            guard !noLocalPasswords else { throw ValidationError("--no-local-passwords needs an identity provider (--oidc-issuer).") }
        }
        _ = try policy()
    }

    /// The sign-in policy these options describe; reads the client secret's file.
    func policy() throws -> SignInPolicy {
        var policy = SignInPolicy(localPasswords: !noLocalPasswords, sessionLifetime: TimeInterval(sessionLifetime.seconds))
        guard let issuer else { return policy }
        guard let clientID, let clientSecretFile else {
            throw ValidationError("--oidc-issuer needs --oidc-client-id and --oidc-client-secret-file.")
        }
        guard let contents = FileManager.default.contents(atPath: clientSecretFile),
              let secret = String(data: contents, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !secret.isEmpty else {
            throw ValidationError("--oidc-client-secret-file: cannot read a secret from \(clientSecretFile).")
        }
        var configuration = SingleSignOnConfiguration(issuer: issuer, clientID: clientID, clientSecret: secret)
        configuration.usernameClaim = usernameClaim
        configuration.usernameDomain = usernameDomain?.lowercased()
        configuration.allowedGroups = allowedGroups
        configuration.groupsClaim = groupsClaim
        configuration.scopes = scopes.split(separator: " ").map(String.init)
        configuration.displayName = displayName
        configuration.linkLocalAccounts = linkLocalAccounts
        do {
            policy.singleSignOn = try configuration.validated()
        } catch {
            throw ValidationError("\(error)")
        }
        return policy
    }
}
