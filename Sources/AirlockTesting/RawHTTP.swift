import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HTTP written by hand on a loopback socket, for what a well-behaved client never sends: a head that
/// announces a body it does not send, control characters, oversize heads. Each exchange blocks on its socket on a
/// thread of its own: on Swift's cooperative threads (two on a 2-core machine, shared by every test of the process
/// and by the test STS it hosts) a wait of up to 30 s stalled every other test's awaits, and the test STS answered
/// servers past their read timeout.
public enum RawHTTP {
    public enum Failure: Error, CustomStringConvertible {
        case socket(String)
        case noAnswer(within: Int)

        public var description: String {
            switch self {
            case let .socket(reason): "socket: \(reason)"
            case let .noAnswer(seconds): "the server sent nothing within \(seconds) s"
            }
        }
    }

    /// Sends `bytes` to `base` (`http://127.0.0.1:PORT`) and returns what the server answers until it closes
    /// the connection or `seconds` pass with nothing more; throws `noAnswer` if nothing came at all.
    /// The connection is left open after sending: the server answers without the rest of a body or not at all.
    /// `localAddress` picks the loopback address the connection comes from (127.0.0.2, ...): another client.
    public static func exchange(_ bytes: Data, with base: String, from localAddress: String? = nil, seconds: Int = 30) async throws -> String {
        try await onThread { try exchangeBlocking(bytes, with: base, from: localAddress, seconds: seconds) }
    }

    private static func exchangeBlocking(_ bytes: Data, with base: String, from localAddress: String?, seconds: Int) throws -> String {
        let descriptor = try connected(to: base, from: localAddress, seconds: seconds)
        defer { close(descriptor) }
        let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw Failure.socket("sent \(sent) of \(bytes.count) bytes") }
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            answer.append(contentsOf: buffer[0..<count])
            // Once a whole answer without a body is in, stop waiting for a close that may not come.
            if let text = String(data: answer, encoding: .utf8), let end = text.range(of: "\r\n\r\n"),
               let length = text[..<end.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") })
                .flatMap({ Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }),
               text.utf8.count - text[..<end.upperBound].utf8.count >= length {
                break
            }
        }
        guard !answer.isEmpty else { throw Failure.noAnswer(within: seconds) }
        return String(decoding: answer, as: UTF8.self)
    }

    /// A socket connected to `base`'s port on 127.0.0.1, from `localAddress` if given, with a read timeout.
    private static func connected(to base: String, from localAddress: String?, seconds: Int) throws -> Int32 {
        guard let port = URL(string: base)?.port else { throw Failure.socket("no port in \(base)") }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure.socket(String(cString: strerror(errno))) }
        do {
            try connect(descriptor, to: port, from: localAddress)
        } catch {
            close(descriptor)
            throw error
        }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }

    private static func connect(_ descriptor: Int32, to port: Int, from localAddress: String?) throws {
        if let localAddress {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(localAddress)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw Failure.socket("bind \(localAddress): \(String(cString: strerror(errno)))") }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Glibc)
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #else
                Darwin.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #endif
            }
        }
        guard connected == 0 else { throw Failure.socket(String(cString: strerror(errno))) }
    }

    /// Sends `bytes`, reads the answer's head, and hangs up: a client that goes away mid-answer.
    public static func hangUpAfterHead(_ bytes: Data, with base: String, seconds: Int = 30) async throws -> String {
        try await onThread { try hangUpAfterHeadBlocking(bytes, with: base, seconds: seconds) }
    }

    private static func hangUpAfterHeadBlocking(_ bytes: Data, with base: String, seconds: Int) throws -> String {
        let descriptor = try connected(to: base, from: nil, seconds: seconds)
        defer { close(descriptor) }
        let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw Failure.socket("sent \(sent) of \(bytes.count) bytes") }
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: answer, as: UTF8.self).contains("\r\n\r\n") {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { throw Failure.noAnswer(within: seconds) }
            answer.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: answer, as: UTF8.self)
    }

    /// Connects, sends `bytes` (perhaps nothing) and reads until the server closes the connection: true when it
    /// did within `seconds` (having answered nothing, or whatever it answered), false when it kept it open.
    public static func closedByServer(after bytes: Data, with base: String, seconds: Int) async throws -> Bool {
        try await onThread {
            let descriptor = try connected(to: base, from: nil, seconds: seconds)
            defer { close(descriptor) }
            let sent = bytes.isEmpty ? 0 : bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent == bytes.count else { throw Failure.socket("sent \(sent) of \(bytes.count) bytes") }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count == 0 { return true }
                if count < 0 { return errno == ECONNRESET }  // EAGAIN: the read timeout passed, still open
            }
        }
    }

    /// Runs `exchange` `count` times at once; returns each answer, or the error's description.
    public static func inParallel(_ count: Int, _ exchange: @escaping @Sendable () async throws -> String) async -> [String] {
        await withTaskGroup(of: String.self) { group in
            for _ in 0..<count {
                group.addTask {
                    do { return try await exchange() } catch { return "\(error)" }
                }
            }
            var answers: [String] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
    }

    /// Runs blocking `body` on a thread of its own and waits for it without holding a cooperative thread.
    private static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result(catching: body)) }
        }
    }


    /// Logs in through the login form from `localAddress`: fetches the form (its CSRF cookie and field),
    /// then posts it. Returns the answer to the post.
    /// `forwardedFor` is sent as `X-Forwarded-For`, as a reverse proxy would.
    public static func logIn(_ username: String, password: String, at base: String, from localAddress: String,
                             forwardedFor: String? = nil) async throws -> String {
        try await onThread { try logInBlocking(username, password: password, at: base, from: localAddress, forwardedFor: forwardedFor) }
    }

    private static func logInBlocking(_ username: String, password: String, at base: String, from localAddress: String,
                                      forwardedFor: String?) throws -> String {
        let form = try exchangeBlocking(Data("GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8), with: base, from: localAddress,
                                        seconds: 120)
        guard let cookie = form.range(of: #"airlock_login_csrf=[A-Za-z0-9_-]+"#, options: .regularExpression),
              let field = form.range(of: #"name="csrf_token" value="[A-Za-z0-9_-]+""#, options: .regularExpression) else {
            throw Failure.socket("the login page had no CSRF cookie and field: \(form.prefix(400))")
        }
        let token = form[field].split(separator: "\"")[3]
        func escaped(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
        let body = "csrf_token=\(token)&username=\(escaped(username))&password=\(escaped(password))&next=%2F"
        let post = "POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: \(form[cookie])\r\n"
            + (forwardedFor.map { "X-Forwarded-For: \($0)\r\n" } ?? "")
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        return try exchangeBlocking(Data(post.utf8), with: base, from: localAddress, seconds: 120)
    }
}
