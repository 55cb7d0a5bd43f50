import Vapor

/// A refusal the API and the admin commands report: an HTTP status, a stable snake_case code, and a message
/// a user can act on. Each domain adds its cases in `APIError+<Domain>.swift`.
struct APIError: AbortError, CustomStringConvertible {
    let status: HTTPResponseStatus
    let code: String
    let reason: String

    var description: String { reason }
}

extension APIError {
    static let unsupportedBody = APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                                          reason: "Send the body as JSON with Content-Type: application/json.")
    static let unsupportedArchiveType = APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                                                 reason: "Send the configuration as a .tar.gz with Content-Type: application/gzip.")
}

extension APIError {
    static func bodyTooLarge(maximumBytes: Int) -> APIError {
        let limit = maximumBytes >= 1 << 20 ? "\(maximumBytes >> 20) MiB" : "\(maximumBytes >> 10) KiB"
        return APIError(status: .payloadTooLarge, code: "body_too_large", reason: "The request body is larger than \(limit).")
    }
}
