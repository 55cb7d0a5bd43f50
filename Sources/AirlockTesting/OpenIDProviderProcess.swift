import AirlockAWS
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A real OpenID Connect provider on a free loopback port: PyPI's `oidc-provider-mock` (authlib underneath), started
/// by a test. It signs ID tokens with its own RSA key, publishes discovery and JWKS, asks for a nonce, and signs in
/// whoever its authorization form names; the test sets each person's claims (`setClaims`), which the ID token
/// carries (a claim named like a registered one, `aud` or `exp` say, replaces it: how tests get the provider's own
/// wrong answers).
public final class OpenIDProviderProcess: Sendable {
    /// `http://127.0.0.1:<port>`: the issuer, as discovery and ID tokens say it.
    public let issuer: String
    private let process: RunningProcess
    /// Follows no redirect: the provider's answer to its form is a redirect back to Airlock, which the test reads.
    private let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                    configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(30))))

    private init(issuer: String, process: RunningProcess) {
        self.issuer = issuer
        self.process = process
    }

    public static func start() async throws -> OpenIDProviderProcess {
        let program = """
            import logging, warnings
            warnings.simplefilter("ignore")
            logging.disable(logging.CRITICAL)
            import oidc_provider_mock, werkzeug.serving
            application = oidc_provider_mock.app(require_nonce=True)
            server = werkzeug.serving.make_server("127.0.0.1", 0, application, threaded=True)
            print("READY", server.server_port, flush=True)
            server.serve_forever()
            """
        let process = try RunningProcess("/usr/bin/env", ["python3", "-c", program], environment: ProcessInfo.processInfo.environment)
        let port = try await process.readyPort()
        let provider = OpenIDProviderProcess(issuer: "http://127.0.0.1:\(port)", process: process)
        // The first request imports and sets up the app: pay for it before a test's clock starts.
        _ = try await provider.send("GET", "/.well-known/openid-configuration")
        return provider
    }

    /// Sets the claims the provider puts in `subject`'s next ID tokens (replacing what was set before).
    public func setClaims(_ subject: String, _ claims: [String: any Sendable]) async throws {
        let body = try JSONSerialization.data(withJSONObject: claims)
        let response = try await send("PUT", "/users/\(URIEncoding.encode(subject))", body: body, contentType: "application/json")
        guard response.status == 204 else { throw TestServerError.didNotStart("oidc-provider-mock", output: "PUT /users answered \(response.status)") }
    }

    /// What a person does on the provider's authorization form: signs in as `subject` at `authorizationURL` (the
    /// address Airlock sent the browser to). Returns where the provider sends the browser back (its Location).
    public func authorize(_ authorizationURL: String, as subject: String) async throws -> String {
        var request = HTTPClientRequest(url: authorizationURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "sub=" + URIEncoding.encode(subject)))
        let response = try await client.execute(request, timeout: .seconds(120))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard (300...399).contains(Int(response.status.code)), let location = response.headers.first(name: "Location") else {
            throw TestServerError.didNotStart("oidc-provider-mock", output: "its authorization form answered \(response.status.code)")
        }
        return location
    }

    public func stop() async {
        _ = await process.stop(signal: SIGKILL)
        try? await client.shutdown()
    }

    private func send(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil) async throws -> LocalHTTP.Response {
        try await LocalHTTP.send(method, issuer + path, body: body, contentType: contentType, using: client)
    }
}
