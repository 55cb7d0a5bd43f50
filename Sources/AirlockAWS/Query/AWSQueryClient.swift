import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// Sends signed AWS query-protocol requests over HTTP(S), retrying throttling and server errors.
///
/// Owns its HTTP connection pool: call `shutdown()` when done.
public final class AWSQueryClient: Sendable {
    public struct Configuration: Sendable {
        public var connectTimeout: Duration
        public var requestTimeout: Duration
        public var retry: RetryPolicy
        public var userAgent: String
        /// Proxies and trusted certificates.
        public var network: AWSNetworkSettings

        public init(
            connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(30),
            retry: RetryPolicy = RetryPolicy(), userAgent: String = "airlock/0.1", network: AWSNetworkSettings = AWSNetworkSettings()
        ) {
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.retry = retry
            self.userAgent = userAgent
            self.network = network
        }
    }

    public let configuration: Configuration
    /// One connection pool per way out: direct, or through each proxy used.
    private let pools = Mutex<[String: HTTPClient]>([:])
    private let logger: Logger
    private let sleep: @Sendable (Duration) async throws -> Void

    /// - Parameter sleep: how to wait between retries; tests pass one that records instead of waiting.
    public init(
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "airlock.aws"),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.sleep = sleep
    }

    public func shutdown() async throws {
        for pool in pools.withLock({ pools in defer { pools = [:] }; return Array(pools.values) }) {
            try await pool.shutdown()
        }
    }

    /// The connection pool for requests to `endpoint`: through the proxy the settings choose for it, if any.
    private func http(for endpoint: URL) -> HTTPClient {
        let proxy = configuration.network.proxy(for: endpoint)
        return pools.withLock { pools in
            let key = proxy?.absoluteString ?? ""
            if let pool = pools[key] { return pool }
            var settings = HTTPClient.Configuration()
            settings.timeout = .init(connect: TimeAmount(configuration.connectTimeout))
            settings.redirectConfiguration = .disallow
            if let proxy, let host = proxy.host {
                let authorization = proxy.user.map { user in
                    HTTPClient.Authorization.basic(username: user.removingPercentEncoding ?? user,
                                                   password: proxy.password.map { $0.removingPercentEncoding ?? $0 } ?? "")
                }
                settings.proxy = .server(host: host, port: proxy.port ?? 80, authorization: authorization)
            }
            if let caBundle = configuration.network.caBundle {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.trustRoots = .file(caBundle)
                settings.tlsConfiguration = tls
            }
            let pool = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
            pools[key] = pool
            return pool
        }
    }

    /// Signs and sends `request` to `endpoint` (unsigned without credentials, as AssumeRoleWithWebIdentity goes);
    /// returns the answer's XML or throws `AWSServiceError` (an `<ErrorResponse>`) or `AWSTransportError`.
    public func send(
        _ request: AWSQueryRequest, endpoint: URL, region: String, credentials: AWSCredentials?
    ) async throws -> XMLTree {
        let attempts = request.retryable ? configuration.retry.maxAttempts : 1
        var attempt = 1
        while true {
            do {
                return try await sendOnce(request, endpoint: endpoint, region: region, credentials: credentials)
            } catch let error as AWSServiceError where error.isRetryable && attempt < attempts {
                let delay = configuration.retry.delay(beforeRetry: attempt)
                logger.info("retrying after AWS error", metadata: [
                    "action": "\(request.action)", "code": "\(error.code)", "attempt": "\(attempt)", "delay": "\(delay)",
                ])
                try await sleep(delay)
                attempt += 1
            }
        }
    }

    private func sendOnce(
        _ request: AWSQueryRequest, endpoint: URL, region: String, credentials: AWSCredentials?
    ) async throws -> XMLTree {
        let body = Array(request.formBody.utf8)
        let host = endpoint.port.map { "\(endpoint.host ?? ""):\($0)" } ?? (endpoint.host ?? "")
        let path = endpoint.path.isEmpty ? "/" : endpoint.path
        var headers: [SigV4Request.Header] = [
            .init("Host", host),
            .init("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ]
        if let credentials {
            let signer = SigV4Signer(credentials: credentials, region: region, service: request.service)
            headers = signer.signHeaders(SigV4Request(method: "POST", path: path, headers: headers, body: body), date: Date()).headers
        }
        var httpRequest = HTTPClientRequest(url: endpoint.absoluteString)
        httpRequest.method = .POST
        for header in headers { httpRequest.headers.add(name: header.name, value: header.value) }
        httpRequest.body = .bytes(ByteBuffer(bytes: body))
        let (status, responseHeaders, bytes) = try await exchange(httpRequest, endpoint: endpoint)
        let xml = XMLTree.parse(bytes)
        guard (200..<300).contains(status) else {
            // AWS writes <ErrorResponse><Error>; some emulators and EC2-style APIs nest it in <Errors>.
            guard let xml, let error = xml.child("Error") ?? xml.at("Errors", "Error") else {
                // A throttling or 5xx answer without AWS's XML (a load balancer's page) still counts as retryable.
                if status >= 500 || status == 429 {
                    throw AWSServiceError(
                        code: status == 429 ? "TooManyRequestsException" : "InternalFailure",
                        message: "HTTP \(status) with no AWS error document", requestID: nil,
                        operation: request.action, httpStatus: status
                    )
                }
                throw AWSTransportError.unreadableResponse(
                    endpoint: endpoint.absoluteString, httpStatus: status, reason: "not an AWS error document"
                )
            }
            throw AWSServiceError(
                code: error.text("Code") ?? "Unknown",
                message: error.text("Message") ?? "",
                requestID: xml.text("RequestId") ?? xml.text("RequestID") ?? responseHeaders.first(name: "x-amzn-RequestId"),
                operation: request.action,
                httpStatus: status
            )
        }
        guard let xml, xml.name == request.action + "Response" else {
            throw AWSTransportError.unreadableResponse(
                endpoint: endpoint.absoluteString, httpStatus: status, reason: "expected <\(request.action)Response>"
            )
        }
        logger.debug("AWS call succeeded", metadata: [
            "action": "\(request.action)", "requestID": "\(xml.text("ResponseMetadata", "RequestId") ?? "-")",
        ])
        return xml
    }

    /// Sends one request as it is (with this client's User-Agent) and reads at most 4 MiB of the answer; a failure
    /// to connect or to read is an `AWSTransportError`.
    public func exchange(_ request: HTTPClientRequest, endpoint: URL) async throws -> (status: Int, headers: HTTPHeaders, body: [UInt8]) {
        var request = request
        request.headers.replaceOrAdd(name: "User-Agent", value: configuration.userAgent)
        do {
            let response = try await http(for: endpoint).execute(request, timeout: TimeAmount(configuration.requestTimeout))
            let bytes = try await response.body.collect(upTo: 4 << 20)
            return (Int(response.status.code), response.headers, Array(buffer: bytes))
        } catch {
            throw Self.transportError(error, endpoint: endpoint.absoluteString)
        }
    }

    static func transportError(_ error: any Error, endpoint: String) -> AWSTransportError {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .socksHandshakeTimeout, .tlsHandshakeTimeout:
                return .connectTimeout(endpoint: endpoint)
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return .requestTimeout(endpoint: endpoint)
            default:
                return .connectionFailed(endpoint: endpoint, reason: String(describing: error))
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .connectTimeout(endpoint: endpoint)
        }
        return .connectionFailed(endpoint: endpoint, reason: String(describing: error))
    }
}
