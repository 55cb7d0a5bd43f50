/// Why an account or API token operation was refused.
enum AccountRefusal: Refusal {
    case passwordTooShort
    case usernameTaken(String)
    case unknownUser(String)
    case invalidTokenName
    case invalidTokenLifetime
    case tokenNotFound
    case invalidEmail

    var kind: RefusalKind {
        switch self {
        case .passwordTooShort, .invalidTokenName, .invalidTokenLifetime, .invalidEmail: .invalid
        case .usernameTaken: .conflict
        case .unknownUser, .tokenNotFound: .notFound
        }
    }

    var code: String {
        switch self {
        case .passwordTooShort: "invalid_password"
        case .usernameTaken: "username_taken"
        case .unknownUser: "unknown_user"
        case .invalidTokenName: "invalid_token_name"
        case .invalidTokenLifetime: "invalid_token_lifetime"
        case .tokenNotFound: "unknown_token"
        case .invalidEmail: "invalid_email"
        }
    }

    var message: String {
        switch self {
        case .passwordTooShort:
            "Passwords must be at least \(Accounts.minimumPasswordLength) characters."
        case let .usernameTaken(username):
            "The username \"\(username)\" is taken."
        case let .unknownUser(username):
            "There is no user \"\(username)\"."
        case .invalidTokenName:
            "A token's name is 1 to 100 characters, not only spaces, without control characters (say what the token is for)."
        case .invalidTokenLifetime:
            "A token expires in 1 to \(APITokens.maximumLifetimeDays) days, or never (leave the lifetime out)."
        case .tokenNotFound:
            "You have no such API token."
        case .invalidEmail:
            "An email address is name@domain, without spaces."
        }
    }
}
