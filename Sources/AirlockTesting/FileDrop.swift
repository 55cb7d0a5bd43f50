import Foundation

/// An HTTP receiver on a free loopback port that writes each POST's body to `folder/<name>`: how a run's
/// provisioner, inside its sandbox (which shows it no folder of the test's), hands a test what it saw:
/// `env | curl -s --data-binary @- "$DROP_URL/env"`.
public final class FileDrop: Sendable {
    /// `http://127.0.0.1:<port>`.
    public let url: String
    private let process: RunningProcess

    private init(url: String, process: RunningProcess) {
        self.url = url
        self.process = process
    }

    public static func start(into folder: URL) async throws -> FileDrop {
        let program = """
            import http.server, os, sys
            class Drop(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    name = os.path.basename(self.path.strip("/")) or "body"
                    data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                    with open(os.path.join(sys.argv[1], name), "wb") as file:
                        file.write(data)
                    self.send_response(204)
                    self.end_headers()
                def log_message(self, *args):
                    pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Drop)
            print("READY", server.server_address[1], flush=True)
            server.serve_forever()
            """
        let process = try RunningProcess("/usr/bin/env", ["python3", "-c", program, folder.path],
                                         environment: ProcessInfo.processInfo.environment)
        let port = try await process.readyPort()
        return FileDrop(url: "http://127.0.0.1:\(port)", process: process)
    }

    public func stop() async {
        _ = await process.stop(signal: SIGKILL)
    }
}
