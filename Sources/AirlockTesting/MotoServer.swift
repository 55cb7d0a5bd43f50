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
    private let pid: pid_t
    private let exitStatus = ExitStatus()

    private init(endpoint: URL, pid: pid_t) {
        self.endpoint = endpoint
        self.pid = pid
        Thread.detachNewThread { [exitStatus] in exitStatus.record(ChildExit.wait(pid)) }
    }

    private var isRunning: Bool { exitStatus.status == nil }

    /// Starts `moto_server` (from PATH, or `MOTO_SERVER`) and waits until it answers, and until STS and IAM have
    /// answered once: moto loads a service on its first request, which on a loaded machine takes longer than a
    /// client's timeout, so that wait belongs before a test's first call, not in it.
    public static func start() async throws -> MotoServer {
        // moto cannot pick its own port: another process may take the one found first, so try three.
        var attempt = 1
        while true {
            do {
                return try await start(port: try FreePort.find())
            } catch let TestServerError.didNotStart(_, output) where attempt < 3 && output.contains("ddress already in use") {
                attempt += 1
            }
        }
    }

    private static func start(port: Int) async throws -> MotoServer {
        let command = ProcessInfo.processInfo.environment["MOTO_SERVER"] ?? "moto_server"
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let pid = try PosixSpawn.start("/usr/bin/env", [command, "-H", "127.0.0.1", "-p", String(port)],
                                       environment: ProcessInfo.processInfo.environment,
                                       descriptors: [.nullDevice, .descriptor(handle.fileDescriptor), .descriptor(handle.fileDescriptor)])
        try handle.close()
        let server = MotoServer(endpoint: URL(string: "http://127.0.0.1:\(port)")!, pid: pid)
        // Waited for as long as it runs: a loaded machine starts Python slowly (ten minutes at most).
        for _ in 0..<6000 {
            if !server.isRunning {
                throw TestServerError.didNotStart("moto_server", output: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
            }
            if await server.answers() {
                do {
                    try await server.loadServices()
                } catch {
                    server.stop()
                    throw TestServerError.didNotStart("moto_server", output: "STS or IAM did not answer: \(error)")
                }
                return server
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw TestServerError.didNotStart("moto_server", output: "no answer on port \(port) after 10 minutes")
    }

    /// One call to STS and one to IAM (before authentication is on, so any key does), with a patient client.
    private func loadServices() async throws {
        let client = AWSQueryClient(configuration: .init(requestTimeout: .seconds(600)))
        let anyKey = AWSCredentials(accessKeyID: "AKIAWARMUP", secretAccessKey: "warm-up")
        do {
            for request in [AWSQueryRequest(service: "sts", action: "GetCallerIdentity", version: "2011-06-15", parameters: []),
                            AWSQueryRequest(service: "iam", action: "ListUsers", version: "2010-05-08", parameters: [])] {
                _ = try await client.send(request, endpoint: endpoint, region: "us-east-1", credentials: anyKey)
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
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
        guard isRunning else { return }
        kill(pid, SIGKILL)
        while isRunning { usleep(10_000) }
    }
}
