import Vapor

extension Request {
    /// The body of a route registered with `body: .stream`, read now (after the caller is authorized, so nobody
    /// unauthorized makes the server hold a large body), refused with 413 past `maximumBytes`; nil when there is
    /// none. Read as an async sequence: a reader that is cancelled (a deadline passed) stops, and what it held goes.
    func collectBody(upTo maximumBytes: Int) async throws -> ByteBuffer? {
        let announced = headers.first(name: .contentLength).flatMap(Int.init)
        if let announced, announced > maximumBytes { throw APIError.bodyTooLarge(maximumBytes: maximumBytes) }
        var buffer = ByteBufferAllocator().buffer(capacity: min(max(0, announced ?? 0), maximumBytes))
        var received = false
        for try await chunk in body {
            received = true
            guard buffer.readableBytes + chunk.readableBytes <= maximumBytes else { throw APIError.bodyTooLarge(maximumBytes: maximumBytes) }
            buffer.writeImmutableBuffer(chunk)
        }
        return received ? buffer : nil
    }
}
