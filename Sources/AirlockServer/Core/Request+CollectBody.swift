import Vapor

extension Request {
    /// The body of a route registered with `body: .stream`, read now (after the caller is authorized, so nobody
    /// unauthorized makes the server hold a large body), refused with 413 past `maximumBytes`; nil when there is
    /// none.
    ///
    /// Read with Vapor's own collection, on the connection's event loop, never as Vapor's async sequence: that
    /// sequence's backpressure delegate receives NIO's first demand through a hop to the event loop, which can land
    /// after a later signal and trap the whole server in a precondition on a busy machine (vapor/vapor#3153, #3227;
    /// it took CI #8's server down under 23 parallel uploads). A read that is no longer awaited (a deadline passed)
    /// goes on until the body ends or its client goes, which keeps the connection usable.
    func collectBody(upTo maximumBytes: Int) async throws -> ByteBuffer? {
        let announced = headers.first(name: .contentLength).flatMap(Int.init)
        if let announced, announced > maximumBytes { throw APIError.bodyTooLarge(maximumBytes: maximumBytes) }
        let collected: ByteBuffer?
        do {
            // Vapor refuses at `max` bytes or more: one more lets exactly `maximumBytes` through.
            collected = try await body.collect(max: maximumBytes + 1).get()
        } catch let error as any AbortError where error.status == .payloadTooLarge {
            throw APIError.bodyTooLarge(maximumBytes: maximumBytes)
        }
        guard let collected, collected.readableBytes > 0 else { return nil }
        return collected
    }
}
