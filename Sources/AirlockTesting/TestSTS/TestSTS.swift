import AirlockAWS
import Foundation
import NIOSSL
import Vapor

/// The project's own STS for tests and the demo: it verifies SigV4, knows users, virtual MFA devices and roles,
/// checks TOTP codes (six digits, one step either side, never twice), enforces trust policies that demand
/// `aws:MultiFactorAuthPresent`, refuses GetSessionToken with session credentials, expires sessions, and answers with
/// AWS's exact error codes and messages. It also takes AssumeRoleWithWebIdentity (tokens of `webIdentityTokens`) and
/// serves IAM Identity Center's GetRoleCredentials and CreateToken (for `ssoUsers`) on the same listener.
///
/// ```swift
/// let sts = try await TestSTS.start(directory: .reference())
/// defer { Task { try await sts.stop() } }
/// // point clients at sts.endpoint
/// ```
public final class TestSTS: Sendable {
    public let engine: TestSTSEngine
    public let endpoint: URL
    private let app: Application

    private init(engine: TestSTSEngine, endpoint: URL, app: Application) {
        self.engine = engine
        self.endpoint = endpoint
        self.app = app
    }

    /// Starts serving on `host:port` (port 0 picks a free one); over HTTPS with `authority`'s server certificate.
    public static func start(directory: TestSTSDirectory, host: String = "127.0.0.1", port: Int = 0,
                             tls authority: TestCertificateAuthority? = nil) async throws -> TestSTS {
        let engine = TestSTSEngine(directory: directory)
        let app = try await Application.make(Environment(name: "testing", arguments: ["test-sts"]))
        app.logger.logLevel = .error
        app.http.server.configuration.hostname = host
        app.http.server.configuration.port = port
        if let authority {
            app.http.server.configuration.tlsConfiguration = .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(authority.serverCertificateFile.path).map { .certificate($0) },
                privateKey: .file(authority.serverKeyFile.path))
        }
        app.routes.defaultMaxBodySize = "64kb"
        let handler: @Sendable (Request) async throws -> Response = { request in
            let body = request.body.data.map { Array(buffer: $0) } ?? []
            let answer = await engine.handle(TestSTSRequest(
                method: request.method.rawValue,
                path: request.url.path.removingPercentEncoding ?? request.url.path,
                query: request.url.query ?? "",
                headers: request.headers.map { ($0.name, $0.value) },
                body: body
            ))
            var headers = HTTPHeaders()
            headers.add(name: .contentType, value: answer.contentType)
            headers.add(name: "x-amzn-RequestId", value: answer.requestID)
            if let errorType = answer.errorType { headers.add(name: "x-amzn-ErrorType", value: errorType) }
            return Response(status: .init(statusCode: answer.status), headers: headers, body: .init(string: answer.body))
        }
        app.on(.POST, body: .collect(maxSize: "64kb"), use: handler)
        app.on(.GET, use: handler)
        app.on(.GET, "federation", "credentials", use: handler)
        app.on(.POST, "token", body: .collect(maxSize: "64kb"), use: handler)
        do {
            try await app.server.start(address: .hostname(host, port: port))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        guard let boundPort = app.http.server.shared.localAddress?.port else {
            try? await app.asyncShutdown()
            throw TestServerError.notListening("test STS")
        }
        return TestSTS(engine: engine, endpoint: URL(string: "\(authority == nil ? "http" : "https")://\(host):\(boundPort)")!, app: app)
    }

    public func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}
