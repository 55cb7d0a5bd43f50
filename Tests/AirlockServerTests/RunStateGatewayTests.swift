@testable import AirlockServer
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A run's state gateway, over a socket pair: it adds the phase's credential to what it passes on, and a plan's
/// gateway refuses a write before it reads any of its body.
@Suite struct RunStateGatewayTests {
    /// What the gateway passed on to the server's routes.
    final class Passed: Sendable {
        let exchanges = Mutex<[RunStateGateway.Exchange]>([])
    }

    /// Sends `request` to a gateway on one end of a socket pair and returns its answer and what reached the server.
    static func exchange(_ request: String, readOnly: Bool) async throws -> (answer: String, passed: [RunStateGateway.Exchange]) {
        var pair: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        let passed = Passed()
        let gateway = RunStateGateway(statePath: "/state/acme/prod", token: "airlock_run_phase", readOnly: readOnly, responder: { exchange in
            passed.exchanges.withLock { $0.append(exchange) }
            return RunStateGateway.Answer(status: 204, reason: "No Content", headers: [], body: Data())
        }, report: { _ in })
        let connections = RunConnections()
        let server = pair[1]
        try #require(connections.admit(server))
        let served = Thread { gateway.serve(server, connections: connections) }
        served.start()
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { write(pair[0], $0.baseAddress, $0.count) }
        shutdown(pair[0], Int32(SHUT_WR))
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(pair[0], &buffer, buffer.count)
            if count <= 0 { break }
            answer += buffer[..<count]
        }
        close(pair[0])
        return (String(decoding: answer, as: UTF8.self), passed.exchanges.withLock { $0 })
    }

    @Test func aPlansGatewayRefusesAWriteBeforeReadingItsBody() async throws {
        // A length the gateway would wait for (and hold in memory) if it read the body first.
        let (answer, passed) = try await Self.exchange("POST /state/acme/prod HTTP/1.1\r\nContent-Length: 200000000\r\n\r\n", readOnly: true)
        #expect(answer.hasPrefix("HTTP/1.1 403") && answer.contains("A plan only reads its state."), "\(answer)")
        #expect(passed.isEmpty)
    }

    @Test func theRunsOwnCredentialIsReplacedByThePhases() async throws {
        let request = "GET /state/acme/prod HTTP/1.1\r\nAuthorization: Basic cnVuOnBsYW50ZWQ=\r\nauthorization: Basic eDp5\r\nConnection: close\r\n\r\n"
        let (answer, passed) = try await Self.exchange(request, readOnly: true)
        #expect(answer.hasPrefix("HTTP/1.1 204"), "\(answer)")
        let authorizations = passed.first?.headers.filter { $0.name.lowercased() == "authorization" }.map(\.value)
        #expect(authorizations == ["Basic " + Data("run:airlock_run_phase".utf8).base64EncodedString()])
    }
}
