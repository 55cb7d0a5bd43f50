import Vapor

/// Reads a request's body up to `maximumBytes` before the operation runs, so that an oversize body is
/// refused with 413 `body_too_large` before anything is decoded or written. (The generated routes stream
/// bodies, so Vapor's own collection limit does not apply to them.)
struct BodyLimitMiddleware: AsyncMiddleware {
    let defaultMaximumBytes: Int
    /// Larger limits for some routes, by the path's last component (e.g. configuration uploads).
    let maximumBytesByLastComponent: [String: Int]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let last = request.url.path.split(separator: "/").last.map(String.init) ?? ""
        let maximumBytes = maximumBytesByLastComponent[last] ?? defaultMaximumBytes
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > maximumBytes {
            throw Abort(.payloadTooLarge, reason: "The request body is larger than \(maximumBytes / 1024) KiB.")
        }
        if request.body.data == nil, request.method != .GET, request.method != .HEAD {
            _ = try await request.body.collect(max: maximumBytes).get()
        }
        return try await next.respond(to: request)
    }
}
