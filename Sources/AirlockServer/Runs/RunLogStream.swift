import Fluent
import Foundation

/// A run phase's stored log as a stream of text: everything stored so far, then (when following) what is
/// stored next, until the phase is over, or at once when it never will run (a discarded run's apply).
/// Reads the database, so it follows a run executing on any server.
///
/// A follower starts with an empty chunk, which sends the answer's head at once, reads again when the run
/// rings `RunLogBell` (or every `idleCheck`, for a run on another server), and writes an empty chunk every
/// `heartbeat`: nothing on the wire, but a write to a client that has gone away fails and ends the stream.
enum RunLogStream {
    static let heartbeat: Duration = .seconds(1)
    static let idleCheck: Duration = .seconds(5)

    static func chunks(of runID: UUID, phase: RunPhase, follow: Bool, on database: any Database) -> AsyncThrowingStream<String, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var next = -1  // a retention note (`Retention`) comes first
                if follow { continuation.yield("") }
                do {
                    while !Task.isCancelled {
                        // Whether the phase was over before reading: then what is read is the whole rest.
                        let over = try await !isWriting(runID, phase: phase, on: database)
                        let chunks = try await RunLogChunk.query(on: database).filter(\.$run.$id == runID).filter(\.$phase == phase)
                            .filter(\.$sequence >= next).sort(\.$sequence).all()
                        for chunk in chunks {
                            continuation.yield(chunk.text)
                            next = chunk.sequence + 1
                        }
                        if !follow || over { break }
                        for _ in 0..<Int(idleCheck / heartbeat) where !Task.isCancelled {
                            let rung = await RunLogBell.shared.wait(for: runID, upTo: heartbeat)
                            continuation.yield("")
                            if rung { break }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Whether the phase's log may still grow.
    static func isWriting(_ runID: UUID, phase: RunPhase, on database: any Database) async throws -> Bool {
        let state = try await Runs.currentState(runID, on: database)
        switch phase {
        case .plan: return [.pending, .planning].contains(state)
        case .apply: return [.pending, .planning, .planned, .policyOverride, .applyQueued, .applying].contains(state)
        }
    }
}
