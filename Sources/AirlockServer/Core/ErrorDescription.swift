import Vapor

/// What an edge shows for an error, the same on every edge: a domain's refusal with its kind's status, its code
/// and its message; an HTTP error with its status and reason; a body that did not decode as the edge says; and
/// anything else as a 500 that reveals nothing (its detail goes to the log). The API renders it as JSON, the
/// TFE API as JSON:API, the pages as a page. A request that waited too long for a database connection is a 503
/// (the same request may succeed later).
struct ErrorDescription {
    let status: HTTPResponseStatus
    /// A stable snake_case code (part of the API's contract).
    let code: String
    let message: String

    /// How the edge describes a body it could not decode.
    struct Undecodable {
        let status: HTTPResponseStatus
        let message: String
    }

    init(_ error: any Error, undecodable: Undecodable, request: Request) {
        switch error {
        case let refusal as any Refusal:
            self.init(status: APIError.status(of: refusal.kind), code: refusal.code, message: refusal.message)
        case let error as APIError:
            self.init(status: error.status, code: error.code, message: error.reason)
        case let error as any AbortError:
            self.init(status: error.status, code: APIErrorMiddleware.code(for: error.status), message: error.reason)
        case is DecodingError:
            self.init(status: undecodable.status, code: "invalid_body", message: undecodable.message)
        case is ConnectionPoolTimeoutError:
            request.logger.report(error: error)
            self.init(status: .serviceUnavailable, code: "database_busy",
                      message: "The server is busy: it waited too long for its database. Try again in a moment.")
        default:
            request.logger.report(error: error)
            self.init(status: .internalServerError, code: "internal_error", message: "Something went wrong on the server; it has been logged.")
        }
    }

    init(status: HTTPResponseStatus, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}
