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
}
