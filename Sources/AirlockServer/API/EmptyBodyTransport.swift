import HTTPTypes
import OpenAPIRuntime
import OpenAPIVapor

/// swift-openapi-vapor's transport, except that a request without a body reaches the operation as having
/// none (so an operation whose JSON body is optional, such as confirming a run, accepts a bare POST) rather
/// than as an empty body that fails to decode; an upload (`application/gzip`) keeps its body, even empty.
struct EmptyBodyTransport: ServerTransport {
    let base: VaporTransport

    func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        try base.register({ request, body, metadata in
            let hasBody = request.headerFields[.contentLength].map { $0 != "0" } ?? (request.headerFields[.transferEncoding] != nil)
            // An upload is a body of bytes, empty or not: an empty archive is refused for what it is (422).
            let isUpload = request.headerFields[.contentType]?.lowercased().hasPrefix("application/gzip") == true
            return try await handler(request, hasBody || isUpload ? body : nil, metadata)
        }, method: method, path: path)
    }
}
