import Foundation

/// A notification receiver on a free loopback port: it records every POST (path, headers, body) and answers
/// 500 to the first `failures` of them, 204 to the rest.
public final class WebhookReceiver: Sendable {
    /// One request as received.
    public struct Request: Sendable, Decodable {
        public let path: String
        public let headers: [String: String]
        public let body: String

        public func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    /// `http://127.0.0.1:<port>`.
    public let url: String
    private let log: URL
    private let process: RunningProcess

    private init(url: String, log: URL, process: RunningProcess) {
        self.url = url
        self.log = log
        self.process = process
    }

    public static func start(failures: Int = 0) async throws -> WebhookReceiver {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-webhooks-\(UUID().uuidString).jsonl")
        let program = """
            import http.server, json, sys, threading
            lock = threading.Lock()
            state = {"left": int(sys.argv[2])}
            class Receiver(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8", "replace")
                    with lock:
                        with open(sys.argv[1], "a") as file:
                            file.write(json.dumps({"path": self.path, "headers": dict(self.headers.items()), "body": body}) + "\\n")
                        failing = state["left"] > 0
                        state["left"] -= 1 if failing else 0
                    self.send_response(500 if failing else 204)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                def log_message(self, *args):
                    pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
            print("READY", server.server_address[1], flush=True)
            server.serve_forever()
            """
        let process = try RunningProcess("/usr/bin/env", ["python3", "-c", program, log.path, String(failures)],
                                         environment: ProcessInfo.processInfo.environment)
        let port = try await process.readyPort()
        return WebhookReceiver(url: "http://127.0.0.1:\(port)", log: log, process: process)
    }

    /// Every request so far, in order.
    public func received() throws -> [Request] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    public func stop() async {
        _ = await process.stop(signal: SIGKILL)
        try? FileManager.default.removeItem(at: log)
    }
}
