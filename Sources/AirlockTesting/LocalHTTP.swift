import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Plain HTTP requests to servers a test started on loopback.
///
/// A failure names the request it belongs to. Requests share `HTTPClient.shared`'s kept-alive connections:
/// a client that closes after each request (`Connection: close`, or one use per connection) makes the
/// server close as soon as it answers, before it has read the rest of an upload it refused early (a 413
/// on a large body), and the client then fails writing instead of reading the answer.
public enum LocalHTTP {
    /// A request that got no answer, with the request it was.
    public struct RequestFailed: Error, CustomStringConvertible {
        public let method: String
        public let url: String
        public let underlying: any Error
        public var description: String { "\(method) \(url) failed: \(underlying)" }
    }

    public struct Response: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: String
    }

    /// An answer whose head has come and whose body is still coming.
    public struct Streaming: Sendable {
        public let status: Int
        fileprivate let response: HTTPClientResponse

        /// The rest of the body, once the server ends it.
        public func rest() async throws -> String {
            String(buffer: try await response.body.collect(upTo: 16 << 20))
        }
    }

    /// The client of `open`: no read timeout, as a followed log may be quiet for long (its heartbeat puts nothing on
    /// the wire); the request's own deadline bounds it.
    private static let streaming = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                              configuration: .init(timeout: .init(connect: .seconds(30))))

    /// A GET that returns as soon as the answer's head has come.
    public static func open(_ url: String, headers: [(String, String)] = []) async throws -> Streaming {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await execute(request, timeout: .seconds(600), using: streaming)
        return Streaming(status: Int(response.status.code), response: response)
    }

    public static func get(_ url: String, headers: [(String, String)] = [], using client: HTTPClient = .shared) async throws -> Response {
        try await send("GET", url, headers: headers, using: client)
    }

    /// Any method, with an optional JSON body.
    public static func send(_ method: String, _ url: String, headers: [(String, String)] = [], json: String? = nil,
                            using client: HTTPClient = .shared) async throws -> Response {
        try await send(method, url, headers: headers, body: json.map { Data($0.utf8) }, contentType: json == nil ? nil : "application/json",
                       using: client)
    }

    /// Any method, with any body; `client` is another client (one that trusts a test CA, say).
    public static func send(_ method: String, _ url: String, headers: [(String, String)] = [], body: Data?, contentType: String?,
                            using client: HTTPClient = .shared) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        // A generous deadline: a test asserts what the server answers, not how fast a loaded machine answers it (twenty
        // parallel 10 MB uploads, two read at a time, beside two busy processes took more than 30 s).
        let response = try await execute(request, timeout: .seconds(300), using: client)
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw RequestFailed(method: method, url: url, underlying: error)
        }
        return Response(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                        body: String(buffer: body))
    }

    private static func execute(_ request: HTTPClientRequest, timeout: TimeAmount, using client: HTTPClient) async throws -> HTTPClientResponse {
        do {
            return try await client.execute(request, timeout: timeout)
        } catch {
            throw RequestFailed(method: request.method.rawValue, url: request.url, underlying: error)
        }
    }
}
