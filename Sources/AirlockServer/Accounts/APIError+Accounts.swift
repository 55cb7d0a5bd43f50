import Vapor

extension APIError {
    static func invalidUsername(_ username: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_username",
                 reason: "Usernames are 2 to 39 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit (got \"\(username.prefix(40))\").")
    }

    static let passwordTooShort = APIError(status: .badRequest, code: "invalid_password",
                                           reason: "Passwords must be at least \(Accounts.minimumPasswordLength) characters.")

    static func usernameTaken(_ username: String) -> APIError {
        APIError(status: .conflict, code: "username_taken", reason: "The username \"\(username)\" is taken.")
    }

    static func unknownUser(_ username: String) -> APIError {
        APIError(status: .notFound, code: "unknown_user", reason: "There is no user \"\(username)\".")
    }
}
