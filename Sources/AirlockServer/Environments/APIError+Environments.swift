import Vapor

extension APIError {
    static func environmentNameTaken(_ name: String) -> APIError {
        APIError(status: .conflict, code: "name_taken", reason: "The organization already has an environment \"\(name)\".")
    }

    static func environmentNotFound(_ name: String) -> APIError {
        APIError(status: .notFound, code: "not_found", reason: "There is no environment \"\(name)\" in this organization.")
    }
}
