import Foundation

/// An HTTP proxy on loopback that tunnels `CONNECT host:port` (as clients use a proxy for https://, and
/// AsyncHTTPClient for http:// too) and logs each tunnel it opens: a stand-in for a corporate proxy, to see that
/// traffic went through it. It tunnels to loopback only, so no test can reach out through it.
public final class ConnectProxy: Sendable {
    /// `http://127.0.0.1:<port>`.
    public let url: String
    private let process: RunningProcess

    private init(url: String, process: RunningProcess) {
        self.url = url
        self.process = process
    }

    public static func start() async throws -> ConnectProxy {
        let program = """
            import socket, socketserver, threading
            class Tunnel(socketserver.BaseRequestHandler):
                def handle(self):
                    head = b""
                    while b"\\r\\n\\r\\n" not in head:
                        chunk = self.request.recv(4096)
                        if not chunk:
                            return
                        head += chunk
                    method, target = head.split(b" ")[:2]
                    host, _, port = target.decode().rpartition(":")
                    if method != b"CONNECT" or host not in ("127.0.0.1", "localhost"):
                        self.request.sendall(b"HTTP/1.1 403 Forbidden\\r\\nContent-Length: 0\\r\\n\\r\\n")
                        return
                    upstream = socket.create_connection((host, int(port)))
                    print("CONNECT " + target.decode(), flush=True)
                    self.request.sendall(b"HTTP/1.1 200 Connection established\\r\\n\\r\\n")
                    def pump(source, sink):
                        try:
                            while True:
                                data = source.recv(65536)
                                if not data:
                                    break
                                sink.sendall(data)
                        except OSError:
                            pass
                        finally:
                            try:
                                sink.shutdown(socket.SHUT_WR)
                            except OSError:
                                pass
                    other = threading.Thread(target=pump, args=(upstream, self.request), daemon=True)
                    other.start()
                    pump(self.request, upstream)
                    other.join()
                    upstream.close()
            class Server(socketserver.ThreadingTCPServer):
                daemon_threads = True
                allow_reuse_address = True
            server = Server(("127.0.0.1", 0), Tunnel)
            print("READY", server.server_address[1], flush=True)
            server.serve_forever()
            """
        let process = try RunningProcess("/usr/bin/env", ["python3", "-u", "-c", program], environment: ProcessInfo.processInfo.environment)
        let port = try await process.readyPort()
        return ConnectProxy(url: "http://127.0.0.1:\(port)", process: process)
    }

    /// The tunnels opened so far, as `host:port`.
    public var tunnels: [String] {
        process.printed.split(separator: "\n").filter { $0.hasPrefix("CONNECT ") }.map { String($0.dropFirst("CONNECT ".count)) }
    }

    public func stop() async {
        _ = await process.stop(signal: SIGKILL)
    }
}
