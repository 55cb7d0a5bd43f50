import Foundation

/// Why a sign-in through the identity provider was refused. Messages say what to do; none repeats a token.
enum SignInRefusal: Refusal {
    /// The server has no identity provider configured.
    case notConfigured
    /// The callback's `state` names no sign-in this server started, or one already finished (a replay).
    case unknownSignIn
    /// The sign-in was started in another browser (its cookie is missing or another's).
    case otherBrowser
    /// More than `PendingSignIn.lifetime` passed between leaving for the provider and coming back.
    case tooSlow
    /// The provider answered the authorization request with an error (the person declined, or it refused).
    case providerDeclined(error: String)
    /// The provider could not be reached or answered something that is not OpenID Connect.
    case providerUnavailable(String)
    /// The ID token failed a check.
    case tokenRefused(IDTokenProblem)
    /// The ID token lacks a claim the operator's configuration needs.
    case missingClaim(String)
    /// The username claim's value is not a valid Airlock username.
    case invalidUsername(claim: String)
    /// Another account (a local one, or another person of the provider) holds the username.
    case usernameTaken(String)
    /// A local account has this email, and the operator does not let sign-ins take local accounts over.
    case emailHeldByLocalAccount
    /// The operator allows only some groups, and the person is in none of them.
    case notInAllowedGroup
    /// Several local accounts hold the email; none is taken over.
    case emailAmbiguous
    /// A step-up's sign-in named another person than the one signed in here.
    case otherPerson(signedIn: String)
    /// Local passwords are off and the person is not an administrator using the break-glass path.
    case localPasswordsOff

    /// A provider's error code as it may be shown: OAuth's error codes are ASCII words; anything else is cut.
    static func printable(_ code: String) -> String {
        let kept = code.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) }
        return kept.isEmpty ? "unnamed error" : String(String.UnicodeScalarView(kept.prefix(64)))
    }

    var kind: RefusalKind {
        switch self {
        case .notConfigured: .notFound
        case .unknownSignIn, .otherBrowser, .tooSlow, .missingClaim, .invalidUsername: .invalid
        case .providerDeclined, .tokenRefused: .unauthenticated
        case .providerUnavailable: .upstreamUnavailable
        case .usernameTaken, .emailHeldByLocalAccount, .emailAmbiguous: .conflict
        case .localPasswordsOff, .notInAllowedGroup, .otherPerson: .forbidden
        }
    }

    var code: String {
        switch self {
        case .notConfigured: "single_sign_on_not_configured"
        case .unknownSignIn: "unknown_sign_in"
        case .otherBrowser: "sign_in_other_browser"
        case .tooSlow: "sign_in_expired"
        case .providerDeclined: "provider_declined"
        case .providerUnavailable: "provider_unavailable"
        case .tokenRefused: "id_token_refused"
        case .missingClaim: "missing_claim"
        case .invalidUsername: "invalid_username_claim"
        case .usernameTaken: "username_taken"
        case .emailHeldByLocalAccount: "email_held_by_local_account"
        case .notInAllowedGroup: "not_in_allowed_group"
        case .otherPerson: "step_up_other_person"
        case .emailAmbiguous: "email_ambiguous"
        case .localPasswordsOff: "local_passwords_off"
        }
    }

    var message: String {
        switch self {
        case .notConfigured:
            "This server has no identity provider: log in with your username and password."
        case .unknownSignIn:
            "This sign-in is not valid: it was already used, or it did not start on this server. Sign in again."
        case .otherBrowser:
            "This sign-in was started in another browser (or its cookie was lost). Sign in again from this page."
        case .tooSlow:
            "This sign-in took more than \(Int(PendingSignIn.lifetime / 60)) minutes. Sign in again."
        case let .providerDeclined(error):
            "The identity provider did not sign you in (\(error)). Sign in again, or ask your administrator for access."
        case let .providerUnavailable(why):
            "The identity provider could not be used: \(why). Try again in a minute; if it persists, tell the server's operator."
        case let .tokenRefused(problem):
            "The identity provider's answer was refused: \(problem.description). Sign in again; if it persists, tell the server's operator."
        case let .missingClaim(claim):
            "The identity provider's token has no \"\(claim)\" claim, which this server needs: the server's operator must configure the provider to send it, or choose another claim."
        case let .invalidUsername(claim):
            "The identity provider's \"\(claim)\" claim does not make a valid username (2 to 39 lowercase letters, digits, '.', '_' or '-'): the server's operator can choose another claim, or name the domain whose addresses give their part before the @ (--oidc-username-domain)."
        case let .usernameTaken(username):
            "The username \"\(username)\" belongs to another Airlock account. Ask the server's operator to rename one of them, or to link accounts by verified email."
        case .emailHeldByLocalAccount:
            "A local Airlock account has your email address. The server's operator decides whether sign-ins may take such accounts over (--oidc-link-local-accounts)."
        case .localPasswordsOff:
            "Local passwords are turned off on this server: sign in through the identity provider."
        case let .otherPerson(signedIn):
            "The identity provider signed in another account than \(signedIn)'s, who is signed in here; nothing changed. Sign in there as \(signedIn) to approve, or log out here first."
        case .notInAllowedGroup:
            "The identity provider signed you in, but you are in none of the groups this server lets in. Ask your administrator for access."
        case .emailAmbiguous:
            "Several local Airlock accounts have your email address, so none is taken over. Ask the server's operator to give it to one of them only."
        }
    }
}

/// Which check an ID token failed.
enum IDTokenProblem: Sendable, Equatable, CustomStringConvertible {
    case malformed
    case algorithm(String)
    case unknownKey
    case signature
    case issuer
    case audience
    case expired
    case issuedInTheFuture
    case nonce
    case subject
    /// Asked for a fresh authentication (`max_age`), the provider reported an older one, or none.
    case staleAuthentication

    var description: String {
        switch self {
        case .malformed: "its ID token is not a signed JWT"
        case let .algorithm(name): "its ID token is signed with \(name.isEmpty ? "no algorithm" : name), which is not accepted"
        case .unknownKey: "its ID token is signed with a key the provider does not publish"
        case .signature: "its ID token's signature does not match its content"
        case .issuer: "its ID token comes from another issuer"
        case .audience: "its ID token was issued to another application"
        case .expired: "its ID token has expired"
        case .issuedInTheFuture: "its ID token was issued in the future (check the clocks)"
        case .nonce: "its ID token belongs to another sign-in"
        case .subject: "its ID token names nobody"
        case .staleAuthentication: "it did not sign you in again as asked (its auth_time is too old, or missing)"
        }
    }
}
