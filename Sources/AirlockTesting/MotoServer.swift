import AirlockAWS
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// moto's AWS emulator (`moto_server`, from PyPI's `moto[server]`), started on a free loopback port, for
/// the real STS wire format. `enableAuthentication` makes it verify SigV4 signatures against IAM users
/// created in it.
public final class MotoServer: Sendable {
    public let endpoint: URL
    private let process: Process

    private init(endpoint: URL, process: Process) {
        self.endpoint = endpoint
        self.process = process
    }

    /// Starts `moto_server` (from PATH, or `MOTO_SERVER`) and waits until it answers.
    public static func start() async throws -> MotoServer {
        let port = try FreePort.find()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let command = ProcessInfo.processInfo.environment["MOTO_SERVER"] ?? "moto_server"
        process.arguments = [command, "-H", "127.0.0.1", "-p", String(port)]
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try ProcessLaunch.run(process)
        let server = MotoServer(endpoint: URL(string: "http://127.0.0.1:\(port)")!, process: process)
        for _ in 0..<300 {
            if !process.isRunning {
                throw TestServerError.didNotStart("moto_server", output: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
            }
            if await server.answers() { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw TestServerError.didNotStart("moto_server", output: "no answer on port \(port) after 30 s")
    }

    private func answers() async -> Bool {
        var request = HTTPClientRequest(url: endpoint.absoluteString + "/moto-api/data.json")
        request.method = .GET
        return (try? await HTTPClient.shared.execute(request, timeout: .seconds(2)).status.code) == 200
    }

    /// Turns on moto's IAM authentication after `unauthenticatedRequests` more requests (the set-up calls
    /// that create the user whose keys will sign the rest).
    public func enableAuthentication(afterRequests unauthenticatedRequests: Int) async throws {
        var request = HTTPClientRequest(url: endpoint.absoluteString + "/moto-api/reset-auth")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: String(unauthenticatedRequests)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        guard response.status.code == 200 else { throw TestServerError.didNotStart("moto reset-auth", output: "HTTP \(response.status.code)") }
    }

    public func stop() {
        guard process.isRunning else { return }
        // SIGKILL, not SIGTERM: a child of the test process inherits its blocked-signal mask, and moto keeps
        // no state worth flushing.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
