import AirlockTesting
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// Bodies cost the server nothing until the caller is known, and uploads cost it bounded memory.
@Suite struct UploadResourceTests {
    @Test func anAnonymousBodyIsNeverRead() async throws {
        try await RunWorld.with { world in
            // Each head announces far more than it sends: a server that collects before it checks waits forever.
            let heads = [
                "POST /state/acme/prod HTTP/1.1\r\nHost: x\r\nContent-Length: 262144000\r\n\r\n",
                "POST /state/acme/prod HTTP/1.1\r\nHost: x\r\nAuthorization: Basic cnVuOmFpcmxvY2tfcnVuX25vcGU=\r\nContent-Length: 262144000\r\n\r\n",
                "LOCK /state/acme/prod/lock HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n",
                "POST /api/v1/organizations/acme/environments/prod/configuration-versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/gzip\r\nContent-Length: 16000000\r\n\r\n",
                "POST /api/v1/organizations/acme/environments/prod/configuration-versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/gzip\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n",
                "POST /api/v1/organizations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
            ]
            for head in heads {
                let answer = try await RawHTTP.exchange(Data(head.utf8) + Data(count: 1024), with: world.base, seconds: 30)
                #expect(answer.hasPrefix("HTTP/1.1 401"), "\(head): \(answer.prefix(200))")
            }
            // A member of another organization learns nothing and sends nothing either.
            let other = "POST /api/v1/organizations/acme/environments/prod/configuration-versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(world.tokens["otto"]!)\r\nContent-Type: application/gzip\r\nContent-Length: 16000000\r\n\r\n"
            let answer = try await RawHTTP.exchange(Data(other.utf8) + Data(count: 1024), with: world.base, seconds: 30)
            #expect(answer.hasPrefix("HTTP/1.1 404"), "\(answer.prefix(200))")
        }
    }

    @Test func gzipBombsAndParallelUploadsCostBoundedMemory() async throws {
        // 23 uploads at once, which the server reads two at a time: the client's pool must let them all wait for a
        // connection as long as that takes (the shared client gave up after its connect timeout on a loaded CI).
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            timeout: .init(connect: .seconds(600)), connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)))
        defer { Task { try? await client.shutdown() } }
        try await RunWorld.with { world in
            world.client = client
            // 127 MiB of zeros in a file: about 130 KB of gzip, just under the limit, so it is inflated to the end.
            let bomb = try await ArchiveSafetyTests.archive(#"add("zeros.bin", bytes(127 * 1024 * 1024))"#)
            #expect(bomb.count < 200_000)
            // Ten MB that gzip cannot shrink, ending in a valid configuration.
            let noise = try await ArchiveSafetyTests.archive(#"import os; add("noise.bin", os.urandom(10 * 1024 * 1024))"#)
            let before = world.server.peakResidentMiB
            let world = world
            try await withThrowingTaskGroup(of: LocalHTTP.Response.self) { group in
                for _ in 0..<3 { group.addTask { try await world.upload(bomb) } }
                for _ in 0..<20 { group.addTask { try await world.upload(noise) } }
                for try await response in group {
                    // A failure says why in the server's own output (a 500's cause is only logged there).
                    #expect(response.status == 201, "\(response.body.prefix(300))\n\(response.status == 201 ? "" : String(world.server.printed.suffix(4000)))")
                }
            }
            let peak = world.server.peakResidentMiB
            // Whole bodies and whole inflated archives held at once took 1.1 GB for the three bombs alone, and the
            // twenty uploads 540 MB. Now a bomb costs a window of memory, and two uploads are read at a time.
            #expect(peak - before < 200, "the server's peak memory grew from \(before) MiB to \(peak) MiB")
            let listed = try await world.call("GET", "/organizations/acme/environments/prod/configuration-versions")
            #expect(listed.body.components(separatedBy: "\"sha256\"").count - 1 == 2)
        }
    }
}
