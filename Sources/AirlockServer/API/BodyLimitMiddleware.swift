import HTTPTypes
import NIOCore
import OpenAPIRuntime

/// Reads an operation's body up to its limit before the operation decodes it, so that an oversize body is
/// refused with 413 `body_too_large` before anything is decoded or written. It runs after authentication
/// and authorization (`AuthorizationMiddleware`): nothing of an anonymous caller's body is read, and a member
/// learns nothing about an owner's operation from its limits.
struct BodyLimitMiddleware: ServerMiddleware {
    /// Room for the largest valid body: a 65,536-character variable value, every character JSON-escaped.
    static let defaultMaximumBytes = 1 << 20
    /// Operations that read their body as a stream themselves, with their limits: only a declared
    /// `Content-Length` is checked here.
    static let streamedMaximumBytes: [String: Int] = [
        Operations.UploadConfigurationVersion.id: ConfigurationArchive.maximumCompressedBytes,
    ]

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        let streamed = Self.streamedMaximumBytes[operationID]
        let maximumBytes = streamed ?? Self.defaultMaximumBytes
        if let length = request.headerFields[.contentLength].flatMap(Int.init), length > maximumBytes {
            throw APIError.bodyTooLarge(maximumBytes: maximumBytes)
        }
        guard streamed == nil, let body else { return try await next(request, body, metadata) }
        let collected = Array(try await body.collect(upTo: maximumBytes).readableBytesView)
        try JSONNullGuard.check(collected, contentType: request.headerFields[.contentType])
        return try await next(request, HTTPBody(collected), metadata)
    }
}
