import AirlockAWS
import Crypto
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A run phase's AWS credentials, served to its Terraform (its providers, and any AWS tool its configuration runs)
/// through the container credentials protocol every AWS SDK and the AWS CLI read: `AWS_CONTAINER_CREDENTIALS_FULL_URI`
/// on loopback, with `AWS_CONTAINER_AUTHORIZATION_TOKEN` as the `Authorization` header. Each answer is the phase's
/// current role session (`RoleSessionKeeper`: renewed before it ends, until the environment's limit), so an apply
/// longer than any one session keeps working after one MFA code, and each session it gets lasts an hour at most and
/// ends by the limit. The listener is on the run's own loopback (with a run network) or the server's (without); its
/// token is the phase's own, and it stops answering when the phase ends (a session handed out still works until it
/// ends).
final class RunCredentialServer: Sendable {
    /// The listener's port on a run's own loopback (SDKs take plain HTTP to loopback only).
    static let runNetworkPort = 81
    /// The path the run's SDKs ask.
    static let path = "/aws-credentials"

    let token: String
    private let keeper: RoleSessionKeeper
    private let connections = RunConnections()
    private let report: @Sendable (String) -> Void
    /// Refused requests get a budget of their own: a run that knocks without the token hides no renewal line.
    private let reportRefusal: @Sendable (String) -> Void
    private let listener = Mutex<Int32?>(nil)

    /// - Parameters:
    ///   - report: writes a line in the phase's log (renewals, refusals).
    ///   - renewed: told of each new role session before it is handed out (to mask it in the log).
    init(grant: PhaseAWSGrant, aws: AWSAccess, until: Date, report: @escaping @Sendable (String) -> Void,
         renewed: @escaping @Sendable (AWSCredentials) async -> Void) {
        token = "airlock-credentials-" + Hex.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        self.report = report
        reportRefusal = LimitedReport(report, limit: 5, ending: "AWS: further refused credentials requests are not written.").write
        keeper = RoleSessionKeeper(grant: grant, aws: aws, until: until) { credentials, renewal in
            await renewed(credentials)
            if renewal, let expiration = credentials.expiration {
                report("AWS: renewed the role session; the new one holds until \(expiration.iso8601).")
            }
        }
    }

    /// The first session, made before Terraform starts: STS's refusal ends the phase here with STS's message.
    func prime() async throws(RunCredentialRefusal) -> RoleSessionKeeper.Issued {
        try await keeper.credentials()
    }

    /// The run's variables that point its SDKs here, for a listener at `port` on the run's loopback.
    func variables(port: Int) -> [String: String] {
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(port)\(Self.path)", "AWS_CONTAINER_AUTHORIZATION_TOKEN": token]
    }

    /// Starts answering on `descriptor` (a listening socket, made in the run's network or on the server's loopback),
    /// each connection on a thread of its own; `stop` ends it.
    func start(listening descriptor: Int32) {
        listener.withLock { $0 = descriptor }
        let connections = self.connections
        Thread.detachNewThread { [self] in
            while let connection = BlockingSocket.accept(descriptor, stopped: { connections.isStopped }) {
                guard connections.admit(connection) else { continue }
                Thread.detachNewThread { self.serve(connection) }
            }
            close(descriptor)
        }
    }

    /// Stops answering: every connection ends, the listener closes (on its own thread), nothing more is handed out.
    func stop() {
        connections.stopAll()
        // Taken out, so a second stop never shuts down a descriptor number the listener's thread closed and the system reused.
        if let descriptor = listener.withLock({ listener in
            defer { listener = nil }
            return listener
        }) {
            shutdown(descriptor, Int32(SHUT_RDWR))
        }
    }

    /// Answers one request of a connection, then closes it.
    func serve(_ client: Int32) {
        defer { connections.close(client) }
        guard let (text, _) = BlockingSocket.readHead(client, limit: 16 * 1024), let head = RunHTTPHead(text) else {
            return answer(client, status: "400 Bad Request", message: "Not an HTTP request.")
        }
        guard head.method == "GET" else { return answer(client, status: "405 Method Not Allowed", message: "Only GET is answered here.") }
        guard let presented = head.value("Authorization"), ConstantTime.equal(presented, token) else {
            reportRefusal("AWS: refused a credentials request without this phase's token.")
            return answer(client, status: "403 Forbidden", message: "This is not this phase's credentials token.")
        }
        let keeper = self.keeper
        switch BlockingAwait.result({ () async throws(RunCredentialRefusal) -> RoleSessionKeeper.Issued in try await keeper.credentials() }) {
        case let .success(issued):
            let body: [String: String] = [
                "AccessKeyId": issued.credentials.accessKeyID, "SecretAccessKey": issued.credentials.secretAccessKey,
                "Token": issued.credentials.sessionToken ?? "", "Expiration": issued.announcedExpiration.iso8601,
            ]
            let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            BlockingSocket.write(client, Self.response("200 OK", json))
        case let .failure(refusal):
            report("AWS: \(refusal.message)")
            answer(client, status: Self.status(of: refusal), message: refusal.message)
        }
    }

    private static func status(of refusal: RunCredentialRefusal) -> String {
        switch refusal {
        case .ended: "410 Gone"
        case .sts: "502 Bad Gateway"
        }
    }

    private func answer(_ client: Int32, status: String, message: String) {
        let json = (try? JSONSerialization.data(withJSONObject: ["Message": message], options: [.sortedKeys])) ?? Data()
        BlockingSocket.write(client, Self.response(status, json))
    }

    private static func response(_ status: String, _ body: Data) -> Data {
        Data("HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
    }
}
