import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The run's way to its own environment's state: an HTTP listener on the run's loopback (the http backend's
/// address) that answers requests for that one state path from the server's own routes, in process, with the
/// phase's credential added (so nothing in the run holds one). Any other path (another environment's state, the
/// API, the pages) is refused and the refusal goes to the run's log.
final class RunStateGateway: Sendable {
    /// A request for the server's routes, and their answer.
    struct Exchange: Sendable {
        let method: String
        let target: String
        let headers: [(name: String, value: String)]
        let body: Data
    }

    struct Answer: Sendable {
        let status: Int
        let reason: String
        let headers: [(name: String, value: String)]
        let body: Data
    }

    /// Answers a request with the server's routes (`Application.runStateResponder`); blocks the calling thread.
    typealias Responder = @Sendable (Exchange) throws -> Answer

    /// The environment's state path, e.g. `/state/acme/prod`.
    let statePath: String
    /// The phase's own credential for it (the backend's basic auth), added to every request: the run never holds it.
    let authorization: String
    let responder: Responder
    let report: @Sendable (String) -> Void
    /// Requests answered at once: Terraform sends one at a time, and each may hold a state's worth of memory.
    static let requestsAtOnce = 2
    private let inFlight = Mutex(0)
    /// The largest body taken (a state file).
    static let bodyLimit = StateBackendRoutes.maximumStateBytes

    /// A plan's gateway: reads only (the server refuses a plan's writes too; this refuses them before any body).
    let readOnly: Bool

    init(statePath: String, token: String, readOnly: Bool, responder: @escaping Responder, report: @escaping @Sendable (String) -> Void) {
        self.statePath = statePath
        self.readOnly = readOnly
        authorization = "Basic " + Data("run:\(token)".utf8).base64EncodedString()
        self.responder = responder
        self.report = report
    }

    /// Serves one connection from the run (admitted to `connections`; several requests, one after another), then
    /// closes it.
    func serve(_ client: Int32, connections: RunConnections) {
        defer { connections.close(client) }
        var carried = Data()
        while let (text, rest) = BlockingSocket.readHead(client, carried: carried) {
            guard let head = RunHTTPHead(text) else { return answer(client, status: "400 Bad Request", "Not an HTTP request.") }
            let path = head.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.target
            guard path == statePath || path == statePath + "/lock" else {
                let refusal = RunNetworkRefusal.notThisRunsState(method: head.method, path: String(path.prefix(200)))
                report(refusal.description)
                return answer(client, status: "403 Forbidden", refusal.description)
            }
            // Refused before any body is read: a plan's code could otherwise have the server hold a state's worth of
            // memory per request for writes the plan may not make anyway.
            guard !readOnly || ["GET", "HEAD"].contains(head.method) else {
                return answer(client, status: "403 Forbidden", "A plan only reads its state.")
            }
            let limit = head.method == "POST" ? Self.bodyLimit : StateBackendRoutes.maximumLockBytes
            guard let length = head.contentLength(limit: limit) else {
                return answer(client, status: "411 Length Required", "Send the body with a Content-Length of at most \(limit) bytes.")
            }
            guard inFlight.withLock({ count in count < Self.requestsAtOnce ? { count += 1; return true }() : false }) else {
                return answer(client, status: "503 Service Unavailable", "The run has \(Self.requestsAtOnce) state requests under way already.")
            }
            defer { inFlight.withLock { $0 -= 1 } }
            guard let (body, after) = BlockingSocket.readExactly(client, count: length, carried: rest) else { return }
            carried = after
            let reply: Answer
            do {
                // The run holds no credential: whatever it sent, the request goes on with the phase's own.
                let headers = head.headers.filter { $0.name.lowercased() != "authorization" } + [("Authorization", authorization)]
                reply = try responder(Exchange(method: head.method, target: head.target, headers: headers, body: body))
            } catch {
                return answer(client, status: "502 Bad Gateway", "The state backend did not answer.")
            }
            var lines = ["HTTP/1.1 \(reply.status) \(reply.reason)"]
            for header in reply.headers {
                let name = header.name.lowercased()
                guard name != "content-length", name != "transfer-encoding", name != "connection" else { continue }
                lines.append("\(header.name): \(header.value)")
            }
            let closing = head.value("Connection")?.lowercased() == "close" || head.version == "HTTP/1.0"
            lines.append("Content-Length: \(reply.body.count)")
            if closing { lines.append("Connection: close") }
            guard BlockingSocket.write(client, Data((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + reply.body), !closing else { return }
        }
    }

    private func answer(_ client: Int32, status: String, _ message: String) {
        let body = Data((message + "\n").utf8)
        BlockingSocket.write(client, Data("HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body)
    }
}
