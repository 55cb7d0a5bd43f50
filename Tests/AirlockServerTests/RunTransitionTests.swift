@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Run states move only along `RunState.successors`, only from the state the caller expects, each move
/// recorded as an event; parallel moves of one run: exactly one wins.
@Suite struct RunTransitionTests {
    @Test func aMoveHappensOnlyFromTheExpectedStateAndIsRecorded() async throws {
        try await ServerFixture.with { fixture in
            let run = try await fixture.run(on: try await fixture.environment())
            let id = try run.requireID()
            #expect(try await !RunTransition.move(id, from: [.planning], to: .planned, actor: "airlock", on: fixture.app.db))
            #expect(try await Runs.currentState(id, on: fixture.app.db) == .pending)
            #expect(try await RunTransition.move(id, from: [.pending], to: .planning, actor: "airlock", note: "claimed", on: fixture.app.db))
            let events = try await Runs.events(of: id, on: fixture.app.db)
            #expect(events.map(\.toState) == ["pending", "planning"])
            #expect(events.last?.fromState == "pending")
            #expect(events.last?.note == "claimed")
        }
    }

    @Test func changesAreWrittenWithTheMoveAndOnlyWithIt() async throws {
        try await ServerFixture.with { fixture in
            let run = try await fixture.run(on: try await fixture.environment(), reaching: .planning)
            let id = try run.requireID()
            let refused = try await RunTransition.move(id, from: [.applying], to: .errored, actor: "airlock",
                                                       changes: RunChanges().set(\.$errorMessage, to: "not this one"), on: fixture.app.db)
            #expect(!refused)
            #expect(try await Run.find(id, on: fixture.app.db)?.errorMessage == nil)
            let moved = try await RunTransition.move(id, from: [.planning], to: .planned, actor: "airlock",
                                                     changes: RunChanges().set(\.$hasChanges, to: true).set(\.$baseStateSerial, to: 7)
                                                        .set(\.$leaseOwner, to: nil),
                                                     on: fixture.app.db)
            #expect(moved)
            let stored = try #require(try await Run.find(id, on: fixture.app.db))
            #expect(stored.state == .planned)
            #expect(stored.hasChanges ?? false, "has_changes was written")
            #expect(stored.baseStateSerial == 7)
            #expect(stored.leaseOwner == nil)
        }
    }

    @Test func ofParallelMovesOfOneRunExactlyOneWins() async throws {
        try await ServerFixture.with { fixture in
            let run = try await fixture.run(on: try await fixture.environment(), reaching: .planned)
            let id = try run.requireID()
            let database = fixture.app.db
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await RunTransition.move(id, from: [.planned], to: index.isMultiple(of: 2) ? .applyQueued : .discarded,
                                                     actor: "user\(index)", on: database)
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await Runs.events(of: id, on: database).count == 4, "pending, planning, planned and the one move")
        }
    }

    @Test func everyStateCanBeLeftOrIsFinalAndFinalStatesLeadNowhere() {
        for state in RunState.allCases {
            #expect(state.isFinal == state.successors.isEmpty)
            #expect(!state.successors.contains(state), "\(state) does not move to itself")
            #expect(RunState.active.contains(state) == !state.isFinal)
        }
        #expect(RunState.queued.allSatisfy { !$0.isFinal })
        #expect(RunState.executing.allSatisfy { $0.successors.contains(.canceled) && $0.successors.contains(.errored) })
    }
}
