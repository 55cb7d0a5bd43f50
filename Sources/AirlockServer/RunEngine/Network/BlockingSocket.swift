import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The few blocking socket calls a run's network uses. Each connection of a run has a thread of its own (a run
/// opens a handful), so plain blocking calls are the simplest correct thing; none of them runs on an event loop
/// or on Swift concurrency's threads.
enum BlockingSocket {
    /// A listening TCP socket on `address:port`, in the calling thread's network namespace.
    static func listen(on address: IPAddress, port: Int) throws(RunNetworkError) -> Int32 {
        let descriptor = socket(address.isIPv4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .socket("socket", errno) }
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        let bound = withSocketAddress(address, port: port) { bind(descriptor, $0, $1) }
        guard bound == 0, Glibc.listen(descriptor, 64) == 0 else {
            let code = errno
            close(descriptor)
            throw .socket("bind \(address) port \(port)", code)
        }
        return descriptor
    }

    /// The port a bound IPv4 socket listens on (one bound to port 0 gets one from the system).
    static func port(of descriptor: Int32) -> Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return named == 0 ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    /// The next connection on `listener`, or nil once `stopped` says so (after the listener was shut down). Other
    /// failures (out of descriptors, say) are waited out, so the listener is never given up while it may be in use.
    static func accept(_ listener: Int32, stopped: () -> Bool) -> Int32? {
        while true {
            let connection = Glibc.accept(listener, nil, nil)
            if connection >= 0 {
                // Close-on-exec at once; spawns close every descriptor they are not given in any case (`PosixSpawn`).
                _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
                return connection
            }
            if stopped() { return nil }
            if errno != EINTR && errno != ECONNABORTED { usleep(100_000) }
        }
    }

    /// A connection to `address:port`, or why there is none, after at most `timeout` seconds.
    static func connect(to address: IPAddress, port: Int, timeout: Int32 = 15) -> Result<Int32, RunNetworkError> {
        let descriptor = socket(address.isIPv4 ? AF_INET : AF_INET6,
                                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { return .failure(.socket("socket", errno)) }
        let started = withSocketAddress(address, port: port) { Glibc.connect(descriptor, $0, $1) }
        if started != 0 {
            guard errno == EINPROGRESS else {
                let code = errno
                close(descriptor)
                return .failure(.socket("connect", code))
            }
            var poll = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            let ready = Glibc.poll(&poll, 1, timeout * 1000)
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
            guard ready == 1, failure == 0 else {
                close(descriptor)
                return .failure(ready == 1 ? .socket("connect", failure) : .timedOut)
            }
        }
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags & ~Int32(O_NONBLOCK))
        return .success(descriptor)
    }

    /// Reads until a blank line ends an HTTP head; returns the head (without the blank line) and what was read
    /// past it, or nil when the peer closed first or the head is longer than `limit`.
    static func readHead(_ descriptor: Int32, limit: Int = 64 * 1024, carried: Data = Data()) -> (head: String, rest: Data)? {
        var received = carried
        let terminator = Data("\r\n\r\n".utf8)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            if let end = received.range(of: terminator) {
                let head = String(decoding: received[received.startIndex..<end.lowerBound], as: UTF8.self)
                return (head, Data(received[end.upperBound...]))
            }
            guard received.count <= limit else { return nil }
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            received.append(contentsOf: buffer[0..<count])
        }
    }

    /// Reads exactly `count` bytes (after `carried`), or nil when the peer closed first.
    static func readExactly(_ descriptor: Int32, count: Int, carried: Data) -> (body: Data, rest: Data)? {
        var received = carried
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while received.count < count {
            let read = Glibc.read(descriptor, &buffer, min(buffer.count, count - received.count))
            if read < 0, errno == EINTR { continue }
            guard read > 0 else { return nil }
            received.append(contentsOf: buffer[0..<read])
        }
        return (Data(received.prefix(count)), Data(received.dropFirst(count)))
    }

    /// Writes all of `data`; false when the peer is gone.
    @discardableResult
    static func write(_ descriptor: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }

    /// Copies bytes both ways between two connections until both directions have ended (or one failed).
    static func relay(_ first: Int32, _ second: Int32) {
        var open = [true, true]  // first → second, second → first
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while open[0] || open[1] {
            var polls = [pollfd(fd: open[0] ? first : -1, events: Int16(POLLIN), revents: 0),
                         pollfd(fd: open[1] ? second : -1, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&polls, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            for (index, (from, to)) in [(first, second), (second, first)].enumerated() where open[index] && polls[index].revents != 0 {
                let count = read(from, &buffer, buffer.count)
                if count < 0, errno == EINTR { continue }
                if count <= 0 || !write(to, Data(buffer[0..<count])) {
                    open[index] = false
                    shutdown(to, Int32(SHUT_WR))
                    if count < 0 { return }
                }
            }
        }
    }

    private static func withSocketAddress<T>(_ address: IPAddress, port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        if address.isIPv4 {
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
            withUnsafeMutableBytes(of: &v4.sin_addr) { $0.copyBytes(from: address.bytes) }
            return withUnsafePointer(to: &v4) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        v6.sin6_port = UInt16(truncatingIfNeeded: port).bigEndian
        withUnsafeMutableBytes(of: &v6.sin6_addr) { $0.copyBytes(from: address.bytes) }
        return withUnsafePointer(to: &v6) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
    }
}
