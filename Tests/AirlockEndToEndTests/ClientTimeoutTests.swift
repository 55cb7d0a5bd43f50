import AirlockTesting
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// Clients that stall: an upload's body comes within `--request-body-timeout` or gets 408, holding only its own
/// organization's upload slot meanwhile; a connection idle past `--idle-timeout` is closed, but a followed log
/// (which writes a heartbeat) is not.
@Suite struct ClientTimeoutTests {
    @Test func aStalledUploadCostsOnlyItsOwnOrganizationAndOnlyForAWhile() async throws {
        try await RunWorld.with(serveArguments: RunWorld.fast + ["--request-body-timeout", "15s"]) { world in
            _ = try await world.call("POST", "/organizations/other/environments", as: "otto", json: #"{"name":"prod"}"#)
            let archive = try await TerraformConfiguration.archive(RunLifecycleTests.resources())
            // Two uploads of acme's that announce a megabyte, send two bytes, then nothing (the review's stall).
            let stall = Data(("POST /api/v1/organizations/acme/environments/prod/configuration-versions HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer \(world.tokens["mario"]!)\r\nContent-Type: application/gzip\r\nContent-Length: 1048576\r\n\r\n\u{1f}\u{8b}").utf8)
            let stalls = Task { [base = world.base] in await RawHTTP.inParallel(2) { try await RawHTTP.exchange(stall, with: base, seconds: 120) } }
            try await Task.sleep(for: .seconds(1))  // they reach the server first (if not, what follows passes all the same)
            // Another organization's uploads, the API's and Terraform's, go through at once meanwhile.
            let other = try await world.upload(archive, in: "other", as: "otto")
            #expect(other.status == 201, "\(other.body)")
            // Both stalls are answered 408 at the deadline, and acme's uploads work again.
            for answer in await stalls.value {
                #expect(answer.hasPrefix("HTTP/1.1 408") && answer.contains("body_timeout"), "\(answer.prefix(300))")
            }
            let acme = try await world.upload(archive)
            #expect(acme.status == 201, "\(acme.body)")
            // An upload URL with a forged token is refused before any of its 16 MB body is read.
            let forged = "PUT /api/v2/uploads/\(UUID().uuidString.lowercased()).4102444800.\(String(repeating: "0", count: 64)) HTTP/1.1\r\n"
                + "Host: x\r\nContent-Length: 16000000\r\n\r\n"
            let refused = try await RawHTTP.exchange(Data(forged.utf8) + Data(count: 1024), with: world.base, seconds: 30)
            #expect(refused.hasPrefix("HTTP/1.1 404"), "\(refused.prefix(300))")
        }
    }

    @Test func anIdleConnectionIsClosedButAFollowedLogIsNot() async throws {
        // The test's client keeps idle connections for less than the server's short timeout: a client that reuses a
        // connection the server is closing fails its request (why the server's default is longer than clients' usual).
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                configuration: .init(timeout: .init(connect: .seconds(30)), connectionPool: .init(idleTimeout: .milliseconds(500))))
        do {
            try await idleConnectionsClose(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func idleConnectionsClose(_ client: HTTPClient) async throws {
        // 30 s: the idle timeout also ends a connection whose request the server takes that long to answer (Vapor's
        // idle handler counts reads and writes only), which a loaded CI machine did with 4 s.
        try await RunWorld.with(serveArguments: RunWorld.fast + ["--idle-timeout", "30s"]) { world in
            world.client = client
            async let silent = RawHTTP.closedByServer(after: Data(), with: world.base, seconds: 120)
            async let halfHead = RawHTTP.closedByServer(after: Data("GET /api/v1/organ".utf8), with: world.base, seconds: 120)
            #expect(try await silent, "a connection that sends nothing")
            #expect(try await halfHead, "half a head")
            // A follow of a run's log that stays quiet past the idle timeout lasts until the run ends.
            #expect(try await world.upload(RunLifecycleTests.resources()).status == 201)
            let first = try await world.queue(message: "holds the environment")
            try await world.expect(first, reaches: "planned", or: [])
            let waiting = try await world.queue(message: "waits behind it")
            let follow = try await LocalHTTP.open(world.base + "/api/v1/runs/\(waiting)/logs/plan?follow=true",
                                                  headers: [("Authorization", "Bearer \(world.tokens["mario"]!)")])
            #expect(follow.status == 200)
            try await Task.sleep(for: .seconds(35))
            #expect(try await world.action(waiting, "cancel").status == 200)
            #expect(try await follow.rest() == "", "the follow ends with the run, not with the idle timeout")
        }
    }
}
