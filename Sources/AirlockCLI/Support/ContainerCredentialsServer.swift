import AirlockAWS
import Crypto
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `airlock exec --server`: a profile's credentials served on this machine's loopback through the container
/// credentials protocol every AWS SDK and the AWS CLI read (`AWS_CONTAINER_CREDENTIALS_FULL_URI`, with a random
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN` as the `Authorization` header), as aws-vault's `--ecs-server` serves them: each
/// request gets credentials with life left, renewed as they end (`RenewingCredentials`), so a command that runs longer
/// than a role session keeps working. Plain blocking sockets, one thread per connection: a command asks rarely.
final class ContainerCredentialsServer: Sendable {
    let token: String
    let port: Int
    private let listener: Int32
    private let credentials: RenewingCredentials
    private let stopped = Mutex(false)
    /// Connections being answered: anyone on this machine may connect, so there are at most `connectionLimit`.
    private let open = Mutex(0)
    static let connectionLimit = 32
    /// The longest a request's head may take to arrive, however slowly it trickles in.
    static let headDeadline: TimeInterval = 10

    /// Listens on 127.0.0.1 at a port the system picks.
    init(credentials: RenewingCredentials) throws {
        token = Hex.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        self.credentials = credentials
        let descriptor = socket(AF_INET, Self.streamType, 0)
        guard descriptor >= 0 else { throw CLIError("airlock exec --server: cannot open a socket (\(String(cString: strerror(errno)))).") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socket in
                bind(descriptor, socket, length) == 0 && Glibc.listen(descriptor, 16) == 0 && getsockname(descriptor, socket, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw CLIError("airlock exec --server: cannot listen on 127.0.0.1 (\(String(cString: strerror(errno)))).")
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    private static var streamType: Int32 {
        #if canImport(Glibc)
        Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        SOCK_STREAM
        #endif
    }

    /// What the command's environment holds to reach this server.
    var variables: [(name: String, value: String)] {
        [("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:\(port)/"), ("AWS_CONTAINER_AUTHORIZATION_TOKEN", token)]
    }

    /// Answers on a thread of its own until `stop`.
    func start() {
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 {
                    if stopped.withLock({ $0 }) { break }
                    if errno != EINTR && errno != ECONNABORTED { usleep(100_000) }  // out of descriptors, say: no busy loop
                    continue
                }
                guard open.withLock({ count in count < Self.connectionLimit ? { count += 1; return true }() : false }) else {
                    close(connection)
                    continue
                }
                Thread.detachNewThread {
                    self.serve(connection)
                    self.open.withLock { $0 -= 1 }
                }
            }
            close(listener)
        }
    }

    func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        if first { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    /// Answers one request, then closes the connection.
    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var timeout = timeval(tv_sec: Int(Self.headDeadline), tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let head = Self.readHead(connection, deadline: Date().addingTimeInterval(Self.headDeadline)) else { return }
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines.first?.split(separator: " ") ?? []
        guard requestLine.count == 3, requestLine[0] == "GET" else {
            return respond(connection, "405 Method Not Allowed", ["Message": "Only GET is answered here."])
        }
        let authorization = lines.dropFirst().first { $0.lowercased().hasPrefix("authorization:") }
            .map { $0.dropFirst("authorization:".count).trimmingCharacters(in: .whitespaces) }
        guard let authorization, ConstantTime.equal(authorization, token) else {
            return respond(connection, "403 Forbidden", ["Message": "invalid Authorization token"])
        }
        let credentials = self.credentials
        switch BlockingAwait.result({ () async throws -> (credentials: AWSCredentials, expiration: Date?) in try await credentials.credentials() }) {
        case let .success((credentials, expiration)):
            var body = ["AccessKeyId": credentials.accessKeyID, "SecretAccessKey": credentials.secretAccessKey,
                        "Token": credentials.sessionToken ?? ""]
            if let expiration { body["Expiration"] = ISO8601Timestamp.format(expiration) }
            respond(connection, "200 OK", body)
        case let .failure(error):
            FileHandle.standardError.write(Data("airlock: could not renew the credentials: \(error)\n".utf8))
            respond(connection, "500 Internal Server Error", ["Message": "\(error)"])
        }
    }

    private func respond(_ connection: Int32, _ status: String, _ body: [String: String]) {
        let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        let response = Data("HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(json.count)\r\nConnection: close\r\n\r\n".utf8) + json
        response.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let written = send(connection, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// The request's head (up to the blank line), or nil when the peer closed first, sent more than 16 KiB or took past
    /// `deadline`.
    private static func readHead(_ connection: Int32, deadline: Date) -> String? {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.range(of: Data("\r\n\r\n".utf8)) == nil {
            guard received.count < 16 * 1024, Date() < deadline else { return nil }
            let count = read(connection, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            received.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }
}
