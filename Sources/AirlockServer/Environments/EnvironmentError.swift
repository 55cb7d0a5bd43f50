import Vapor

/// Refusals in environment operations, each with a stable code.
struct EnvironmentError: AbortError, CustomStringConvertible {
    let status: HTTPResponseStatus
    let code: String
    let reason: String

    var description: String { reason }

    static func invalidName(_ name: String) -> EnvironmentError {
        EnvironmentError(status: .badRequest, code: "invalid_name",
                         reason: "Environment names are 2 to 39 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit (got \"\(name.prefix(40))\").")
    }

    static func nameTaken(_ name: String) -> EnvironmentError {
        EnvironmentError(status: .conflict, code: "name_taken", reason: "The organization already has an environment \"\(name)\".")
    }

    static func notFound(_ name: String) -> EnvironmentError {
        EnvironmentError(status: .notFound, code: "not_found", reason: "There is no environment \"\(name)\" in this organization.")
    }
}
