import NIOCore
import OpenAPIRuntime

extension HTTPBody {
    /// The whole body into `buffer`, refused with 413 `body_too_large` as soon as it passes `maximumBytes`.
    func collect(into buffer: inout ByteBuffer, upTo maximumBytes: Int) async throws {
        for try await chunk in self {
            guard buffer.readableBytes + chunk.count <= maximumBytes else { throw APIError.bodyTooLarge(maximumBytes: maximumBytes) }
            buffer.writeBytes(chunk)
        }
    }

    /// The whole body, refused with 413 `body_too_large` as soon as it passes `maximumBytes`. One allocation of
    /// the announced size (when it is within the limit), not a series of doublings.
    func collect(upTo maximumBytes: Int) async throws -> ByteBuffer {
        var buffer: ByteBuffer
        if case let .known(length) = self.length, length <= maximumBytes {
            buffer = ByteBufferAllocator().buffer(capacity: Int(length))
        } else {
            buffer = ByteBuffer()
        }
        try await collect(into: &buffer, upTo: maximumBytes)
        return buffer
    }
}
