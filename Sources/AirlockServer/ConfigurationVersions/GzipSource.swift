import CompressNIO
import NIOCore

/// A gzip stream inflated as it is read, 64 KiB at a time: the inflated bytes are never all in memory, and
/// inflating stops (`Overflow`) the moment they pass `maximumBytes`, so a gzip bomb costs no more than a
/// window of memory and the time to reach the limit.
struct GzipSource: TarSource {
    /// The inflated stream is larger than `maximumBytes`.
    struct Overflow: Error {}
    /// The input is not gzip, or is damaged.
    struct Corrupt: Error {}

    private var input: ByteBuffer
    private let decompressor: any NIODecompressor
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var inflated = 0
    private var ended = false
    let maximumBytes: Int

    init(_ compressed: ByteBuffer, maximumBytes: Int) throws {
        input = compressed
        self.maximumBytes = maximumBytes
        decompressor = CompressionAlgorithm.gzip().decompressor
        try decompressor.startStream()
    }

    mutating func read(_ count: Int) throws -> [UInt8] {
        while pending.count - pendingStart < count, !ended {
            try inflateMore()
        }
        let end = min(pending.count, pendingStart + max(0, count))
        defer {
            pendingStart = end
            if pendingStart == pending.count { pending.removeAll(keepingCapacity: true); pendingStart = 0 }
        }
        return Array(pending[pendingStart..<end])
    }

    private mutating func inflateMore() throws {
        var window = ByteBufferAllocator().buffer(capacity: 64 << 10)
        do {
            try input.decompressStream(to: &window, with: decompressor)
            // Returned without filling the window: the stream ended, or the whole input is read.
            ended = true
        } catch let error as CompressNIOError where error == .bufferOverflow {
            // The window is full; more follows.
        } catch {
            throw Corrupt()
        }
        inflated += window.readableBytes
        guard inflated <= maximumBytes else { throw Overflow() }
        if pendingStart > 0 {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
        pending.append(contentsOf: window.readableBytesView)
    }
}
