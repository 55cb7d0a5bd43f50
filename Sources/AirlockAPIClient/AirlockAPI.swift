import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import HTTPTypes
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// A client of an Airlock server's JSON API, generated from `openapi.yaml`, that sends `token` with
/// every call.
///
/// ```swift
/// let api = AirlockAPI(server: URL(string: "http://127.0.0.1:8080")!, token: token)
/// let user = try await api.call { try await $0.getCurrentUser().ok.body.json }
/// ```
public struct AirlockAPI: Sendable {
    public let server: URL
    public let client: Client

    /// A client for the server at `server` (its root; `/api/v1` is added), authenticated by `token`.
    public init(server: URL, token: String, httpClient: HTTPClient = AirlockAPI.httpClient) {
        self.server = server
        client = Client(
            serverURL: server.appending(path: "api/v1"),
            configuration: .init(dateTranscoder: .iso8601WithFractionalSeconds),
            transport: AsyncHTTPClientTransport(configuration: .init(client: httpClient, timeout: .seconds(60))),
            middlewares: [BearerTokenMiddleware(token: token), ErrorResponseMiddleware()]
        )
    }

    /// The process's HTTP client for the API: a server that refuses connections fails the call at once
    /// rather than being retried until the request's deadline. Besides the system's roots it trusts the CA
    /// certificates in `SSL_CERT_FILE`, as Terraform, curl and OpenSSL do (a server with a private CA's certificate).
    public static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(10), read: .seconds(120)))
        configuration.connectionPool.retryConnectionEstablishment = false
        if let file = ProcessInfo.processInfo.environment["SSL_CERT_FILE"], !file.isEmpty {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.additionalTrustRoots = [.file(file)]
            configuration.tlsConfiguration = tls
        }
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Runs `operation`; a refusal or an unreachable server is thrown as `AirlockAPIError`, so the operation
    /// only handles success (e.g. `.ok.body.json`).
    public func call<T: Sendable>(_ operation: (Client) async throws -> T) async throws -> T {
        do {
            return try await operation(client)
        } catch let error as ClientError {
            if let refusal = error.underlyingError as? AirlockAPIError { throw refusal }
            throw AirlockAPIError.unreachable(server: server.absoluteString, reason: Self.reason(error.underlyingError))
        }
    }

    private static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectTimeout") || text.contains("connect") && text.contains("refused") { return "connection refused or timed out." }
        return text
    }
}

/// Turns every error answer (`{"error": {"code", "message"}}`) into `AirlockAPIError.refused`.
struct ErrorResponseMiddleware: ClientMiddleware {
    private struct Body: Decodable {
        struct Detail: Decodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        guard response.status.code >= 400 else { return (response, responseBody) }
        var data = Data()
        if let responseBody { data = try await Data(collecting: responseBody, upTo: 1 << 20) }
        if let decoded = try? JSONDecoder().decode(Body.self, from: data) {
            throw AirlockAPIError.refused(status: response.status.code, code: decoded.error.code, message: decoded.error.message)
        }
        throw AirlockAPIError.refused(status: response.status.code, code: "http_\(response.status.code)",
                                      message: "The server answered \(response.status.code) \(response.status.reasonPhrase).")
    }
}

/// Adds `Authorization: Bearer <token>` to every request.
struct BearerTokenMiddleware: ClientMiddleware {
    let token: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}
