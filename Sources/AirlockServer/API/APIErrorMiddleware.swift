import Vapor

/// Turns every error into JSON with a stable code and a human message:
/// `{"error": {"code": "unauthorized", "message": "..."}}`. Unexpected errors become a 500 whose message
/// reveals nothing internal; their detail goes to the log.
struct APIErrorMiddleware: AsyncMiddleware {
    struct Body: Content {
        struct Detail: Content {
            let code: String
            let message: String
        }
        let error: Detail
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let status: HTTPResponseStatus
            let code: String
            let message: String
            switch error {
            case let error as APIError:
                (status, code, message) = (error.status, error.code, error.reason)
            case let error as any AbortError:
                (status, code, message) = (error.status, Self.code(for: error.status), error.reason)
            case is DecodingError:
                (status, code, message) = (.badRequest, "invalid_body", "The request body is not the JSON this endpoint takes.")
            default:
                request.logger.report(error: error)
                (status, code, message) = (.internalServerError, "internal_error", "Something went wrong on the server; it has been logged.")
            }
            let response = Response(status: status)
            try response.content.encode(Body(error: .init(code: code, message: message)))
            if status == .unauthorized { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer") }
            return response
        }
    }

    /// A stable snake_case code for an HTTP status.
    static func code(for status: HTTPResponseStatus) -> String {
        switch status {
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .payloadTooLarge: "body_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .conflict: "conflict"
        default: status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
        }
    }
}
