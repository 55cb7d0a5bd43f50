import Vapor

extension APIError {
    static func invalidEnvironmentName(_ name: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_name",
                 reason: "Environment names are 2 to 39 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit (got \"\(name.prefix(40))\").")
    }

    static func environmentNameTaken(_ name: String) -> APIError {
        APIError(status: .conflict, code: "name_taken", reason: "The organization already has an environment \"\(name)\".")
    }

    static func environmentNotFound(_ name: String) -> APIError {
        APIError(status: .notFound, code: "not_found", reason: "There is no environment \"\(name)\" in this organization.")
    }
}
