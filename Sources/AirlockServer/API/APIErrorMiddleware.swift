import HTTPTypes
import OpenAPIRuntime
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
        } catch let error as ServerError {
            // A generated operation failed: report what caused it (the handler's own error, a body that is not
            // the documented JSON, ...).
            let underlying = error.underlyingError
            if underlying is any Refusal || underlying is any AbortError || underlying is DecodingError {
                return try Self.response(for: underlying, request: request)
            }
            let status = HTTPResponseStatus(statusCode: error.httpStatus.code)
            if status == .internalServerError { return try Self.response(for: underlying, request: request) }
            let unsupported = error.operationID == Operations.UploadConfigurationVersion.id ? APIError.unsupportedArchiveType : .unsupportedBody
            let message = status == .unsupportedMediaType ? unsupported.reason : "The request does not match the API: \(error.causeDescription)."
            return try Self.render(status: status, code: Self.code(for: status), message: message)
        } catch let error as any AbortError where error.status == .notFound && !(error is APIError) {
            // No route took the request: a path the server knows with another method answers 405.
            let allowed = AllowedMethods.at(request.url.path, in: request.application.routes)
            if !allowed.isEmpty, !allowed.contains(request.method) {
                let response = try Self.render(status: .methodNotAllowed, code: "method_not_allowed",
                                               message: "\(request.method.rawValue) is not an operation here; use \(allowed.map(\.rawValue).joined(separator: ", ")).")
                response.headers.replaceOrAdd(name: .allow, value: allowed.map(\.rawValue).joined(separator: ", "))
                return response
            }
            return try Self.fallback(error, request: request)
        } catch {
            return try Self.fallback(error, request: request)
        }
    }

    /// Any other error: a page for a browser on a URL no page route matched, JSON otherwise.
    private static func fallback(_ error: any Error, request: Request) throws -> Response {
        if Self.wantsPage(request) {
            // A browser on a URL no page route matched: answer with a page, not JSON.
            var (status, message) = PageErrorMiddleware.describe(error, request: request)
            if status == .notFound { message = "There is no page at this address." }
            return Layout.render(status == .notFound ? "Not found" : "Something went wrong",
                                 "<p role=\"alert\">\(message)</p><p><a href=\"/\">Go to Airlock</a></p>", status: status, for: request)
        }
        return try Self.response(for: error, request: request)
    }

    /// A browser asking for a page rather than a client of the API.
    private static func wantsPage(_ request: Request) -> Bool {
        !request.url.path.hasPrefix("/api/") && request.headers[.accept].contains { $0.contains("text/html") }
    }

    private static func response(for error: any Error, request: Request) throws -> Response {
        let described = ErrorDescription(error, undecodable: .init(status: .badRequest, message: "The request body is not the JSON this endpoint takes."),
                                         request: request)
        return try render(status: described.status, code: described.code, message: described.message)
    }

    private static func render(status: HTTPResponseStatus, code: String, message: String) throws -> Response {
        let response = Response(status: status)
        try response.content.encode(Body(error: .init(code: code, message: message)))
        if status == .unauthorized { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer") }
        return response
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
        case .methodNotAllowed: "method_not_allowed"
        default: status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
        }
    }
}
