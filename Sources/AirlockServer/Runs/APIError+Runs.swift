import Vapor

extension APIError {
    static let runNotFound = APIError(status: .notFound, code: "not_found", reason: "There is no such run, or you cannot see it.")

    static let noConfiguration = APIError(status: .conflict, code: "no_configuration",
                                          reason: "The environment has no configuration yet; upload one first (airlock push DIR --env ORG/ENV).")

    static func configurationVersionNotFound(_ id: String) -> APIError {
        APIError(status: .notFound, code: "not_found", reason: "The environment has no configuration version \(id).")
    }

    static func invalidTransition(_ action: String, state: RunState) -> APIError {
        APIError(status: .conflict, code: "invalid_transition",
                 reason: "A run that is \(state.rawValue.replacingOccurrences(of: "_", with: " ")) cannot be \(action).")
    }

    static func invalidArchive(_ reason: String) -> APIError {
        APIError(status: .unprocessableEntity, code: "invalid_archive", reason: "The configuration archive was refused: \(reason)")
    }

    static let messageTooLong = APIError(status: .badRequest, code: "invalid_message", reason: "Run messages are at most 500 characters.")
}
