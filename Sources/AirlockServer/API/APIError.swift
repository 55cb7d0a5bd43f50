import Vapor

/// How the API reports a refusal: an HTTP status, a stable snake_case code, and a message a user can act
/// on. Domains throw their own `Refusal`s, turned into an `APIError` here at the edge; the cases below are
/// the HTTP layer's own (bodies and media types).
struct APIError: AbortError, CustomStringConvertible {
    let status: HTTPResponseStatus
    let code: String
    let reason: String

    var description: String { reason }
}

extension APIError {
    static func status(of kind: RefusalKind) -> HTTPResponseStatus {
        switch kind {
        case .invalid: .badRequest
        case .unauthenticated: .unauthorized
        case .notFound: .notFound
        case .conflict: .conflict
        case .forbidden: .forbidden
        case .unprocessable: .unprocessableEntity
        case .tooManyAttempts: .tooManyRequests
        case .upstreamUnavailable: .badGateway
        }
    }
}

extension APIError {
    static let unsupportedBody = APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                                          reason: "Send the body as JSON with Content-Type: application/json.")
    static let unsupportedArchiveType = APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                                                 reason: "Send the configuration as a .tar.gz with Content-Type: application/gzip.")
}

extension APIError {
    /// An upload whose body did not arrive in time (a client that stalled).
    static func bodyTimedOut(seconds: TimeInterval) -> APIError {
        APIError(status: .requestTimeout, code: "body_timeout",
                 reason: "The request body did not arrive within \(Int(seconds)) seconds; send it again.")
    }

    static func bodyTooLarge(maximumBytes: Int) -> APIError {
        let limit = maximumBytes >= 1 << 20 ? "\(maximumBytes >> 20) MiB" : "\(maximumBytes >> 10) KiB"
        return APIError(status: .payloadTooLarge, code: "body_too_large", reason: "The request body is larger than \(limit).")
    }
}
