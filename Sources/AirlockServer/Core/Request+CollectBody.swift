import Vapor

extension Request {
    /// The body of a route registered with `body: .stream`, read now (after the caller is authorized, so nobody
    /// unauthorized makes the server hold a large body), refused with 413 past `maximumBytes`.
    func collectBody(upTo maximumBytes: Int) async throws -> ByteBuffer? {
        if let length = headers.first(name: .contentLength).flatMap(Int.init), length > maximumBytes {
            throw APIError.bodyTooLarge(maximumBytes: maximumBytes)
        }
        do {
            return try await body.collect(max: maximumBytes).get()
        } catch let error as any AbortError where error.status == .payloadTooLarge {
            throw APIError.bodyTooLarge(maximumBytes: maximumBytes)
        }
    }
}
