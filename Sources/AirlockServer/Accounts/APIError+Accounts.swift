import Vapor

extension APIError {
    static let passwordTooShort = APIError(status: .badRequest, code: "invalid_password",
                                           reason: "Passwords must be at least \(Accounts.minimumPasswordLength) characters.")

    static func usernameTaken(_ username: String) -> APIError {
        APIError(status: .conflict, code: "username_taken", reason: "The username \"\(username)\" is taken.")
    }

    static func unknownUser(_ username: String) -> APIError {
        APIError(status: .notFound, code: "unknown_user", reason: "There is no user \"\(username)\".")
    }

    static let invalidTokenName = APIError(status: .badRequest, code: "invalid_token_name",
                                           reason: "A token's name is 1 to 100 characters, not only spaces, without control characters (say what the token is for).")
    static let invalidTokenLifetime = APIError(status: .badRequest, code: "invalid_token_lifetime",
                                               reason: "A token expires in 1 to \(APITokens.maximumLifetimeDays) days, or never (leave the lifetime out).")
    static let tokenNotFound = APIError(status: .notFound, code: "unknown_token", reason: "You have no such API token.")
}
