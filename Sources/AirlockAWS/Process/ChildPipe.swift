import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pipe between this process and a child. No other child can inherit either end: `PosixSpawn` closes
/// every descriptor a child is not given (and both ends are close-on-exec besides). The child gets its end
/// as one of its descriptors, and this process closes that end right after the spawn.
public struct ChildPipe: Sendable {
    public let readEnd: Int32
    public let writeEnd: Int32

    public init() throws(SpawnError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw SpawnError("Cannot create a pipe: \(String(cString: strerror(errno)))") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    /// Closes both ends (when the child could not be started).
    public func closeBoth() {
        close(readEnd)
        close(writeEnd)
    }

    /// Reads `descriptor` to its end on a thread of its own, yielding what arrives, then closes it.
    /// - Parameters:
    ///   - givingUp: asked before every read (waits are at most 100 ms); once true, what is in the pipe is read and the
    ///     reading ends before the end (a child that ended but left a process of its own holding the pipe open,
    ///     writing or not). What the child itself wrote is never lost, however late this thread runs.
    ///   - limit: at most this many bytes are read; the pipe is then closed (its writer gets EPIPE).
    public static func chunks(from descriptor: Int32, givingUp: (@Sendable () -> Bool)? = nil, limit: Int? = nil) -> AsyncStream<Data> {
        let (stream, continuation) = AsyncStream<Data>.makeStream()
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            var remaining = limit ?? Int.max
            while remaining > 0 {
                if let givingUp {
                    if givingUp() {
                        // What the child wrote is in the pipe already (a pipe holds at most 1 MiB): take what is ready
                        // now, however late this thread runs, then stop.
                        var budget = min(remaining, 1 << 20)
                        while budget > 0 {
                            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                            guard poll(&ready, 1, 0) > 0 else { break }
                            let count = read(descriptor, &buffer, min(buffer.count, budget))
                            guard count > 0 else { break }
                            continuation.yield(Data(buffer[0..<count]))
                            budget -= count
                        }
                        break
                    }
                    var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    let polled = poll(&ready, 1, 100)
                    if polled == 0 || (polled < 0 && errno == EINTR) { continue }
                }
                let count = read(descriptor, &buffer, min(buffer.count, remaining))
                if count > 0 {
                    continuation.yield(Data(buffer[0..<count]))
                    remaining -= count
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(descriptor)
            continuation.finish()
        }
        return stream
    }

    /// Everything read from `descriptor` to its end, until `givingUp` says so, or up to `limit` bytes (which then
    /// closes it).
    public static func readAll(from descriptor: Int32, givingUp: (@Sendable () -> Bool)? = nil, limit: Int? = nil) async -> Data {
        var data = Data()
        for await chunk in chunks(from: descriptor, givingUp: givingUp, limit: limit) { data.append(chunk) }
        return data
    }

    /// Writes `data` to `descriptor` on a thread of its own, then closes it. A reader that went away ends
    /// the write quietly: SIGPIPE is blocked on that thread, so `write` fails with EPIPE instead of the
    /// signal ending this process.
    public static func write(_ data: Data, to descriptor: Int32) {
        Thread.detachNewThread {
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            data.withUnsafeBytes { _ = DescriptorWrite.all($0, to: descriptor) }
            close(descriptor)
        }
    }
}
