import Vapor

/// Bad input or a conflict in account operations: a 4xx with a stable code and a message a user can act on.
struct AccountError: AbortError, CustomStringConvertible {
    let status: HTTPResponseStatus
    let code: String
    let reason: String

    var description: String { reason }

    static func invalidUsername(_ username: String) -> AccountError {
        AccountError(status: .badRequest, code: "invalid_username",
                     reason: "Usernames are 2 to 39 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit (got \"\(username.prefix(40))\").")
    }

    static let passwordTooShort = AccountError(status: .badRequest, code: "invalid_password",
                                               reason: "Passwords must be at least \(Accounts.minimumPasswordLength) characters.")

    static func usernameTaken(_ username: String) -> AccountError {
        AccountError(status: .conflict, code: "username_taken", reason: "The username \"\(username)\" is taken.")
    }

    static func unknownUser(_ username: String) -> AccountError {
        AccountError(status: .notFound, code: "unknown_user", reason: "There is no user \"\(username)\".")
    }
}
