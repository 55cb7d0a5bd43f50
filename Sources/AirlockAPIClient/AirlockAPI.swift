import AsyncHTTPClient
import Foundation
import NIOCore
import HTTPTypes
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// A client of an Airlock server's JSON API, generated from `openapi.yaml`, that sends `token` with
/// every call.
///
/// ```swift
/// let api = try AirlockAPI.client(server: URL(string: "http://127.0.0.1:8080")!, token: token)
/// let user = try await api.getCurrentUser().ok.body.json
/// ```
public enum AirlockAPI {
    /// A client for the server at `server` (its root; `/api/v1` is added), authenticated by `token`.
    public static func client(server: URL, token: String, httpClient: HTTPClient = .shared) throws -> Client {
        Client(
            serverURL: server.appending(path: "api/v1"),
            transport: AsyncHTTPClientTransport(configuration: .init(client: httpClient, timeout: .seconds(60))),
            middlewares: [BearerTokenMiddleware(token: token)]
        )
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
