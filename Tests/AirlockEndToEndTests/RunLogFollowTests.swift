import AirlockTesting
import Foundation
import Testing

/// `?follow=true` on a run's log: the answer starts at once, ends with the phase (or at once when the phase
/// will never run), and a follower whose client went away costs the server nothing.
@Suite struct RunLogFollowTests {
    @Test func aFollowAnswersAtOnceEndsWithThePhaseAndLeavesWithItsClient() async throws {
        try await RunWorld.with { world in
            #expect(try await world.upload(RunLifecycleTests.resources()).status == 201)
            let first = try await world.queue(message: "holds the environment")
            try await world.expect(first, reaches: "planned", or: [])
            let waiting = try await world.queue(message: "waits behind it")
            #expect(try await world.state(waiting) == "pending")
            let path = "/api/v1/runs/\(waiting)/logs/plan?follow=true"

            // The head comes while the run is still pending: a client knows at once that it is following.
            let response = try await LocalHTTP.open(world.base + path, headers: [("Authorization", "Bearer \(world.tokens["mario"]!)")])
            #expect(response.status == 200)
            #expect(try await world.state(waiting) == "pending")

            // Two hundred followers that hang up after the head, twenty at a time (one after another, on a loaded
            // machine, they outlasted the open follow's 90 s client read timeout).
            let request = Data("GET \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(world.tokens["mario"]!)\r\n\r\n".utf8)
            for _ in 0..<10 {
                let heads = await RawHTTP.inParallel(20) { [base = world.base] in try await RawHTTP.hangUpAfterHead(request, with: base) }
                for head in heads { #expect(head.hasPrefix("HTTP/1.1 200"), "\(head.prefix(200))") }
            }
            // Once their heartbeats have found them gone, the idle server does (almost) nothing. Polling the database
            // for each abandoned follower kept a core busy.
            try await Task.sleep(for: .seconds(3))
            let before = world.server.processorSeconds
            try await Task.sleep(for: .seconds(5))
            let used = world.server.processorSeconds - before
            #expect(used < 0.5, "the idle server used \(used) s of processor time in 5 s")

            // Canceled before it started, the plan will never run: the follow ends with nothing to say.
            #expect(try await world.action(waiting, "cancel").status == 200)
            #expect(try await response.rest() == "")
            // And the follow of a phase that is over ends at once with the whole log.
            let over = try await world.call("GET", "/runs/\(first)/logs/plan?follow=true")
            #expect(over.status == 200 && over.body.contains("Plan:"), "\(over.body.prefix(300))")
        }
    }
}
