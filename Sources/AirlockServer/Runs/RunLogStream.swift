import Fluent
import Foundation

/// A run phase's stored log as a stream of text: everything stored so far, then (when following) what is
/// stored next, until the phase is over. Reads the database, so it follows a run executing on any server.
enum RunLogStream {
    static func chunks(of runID: UUID, phase: RunLogChunk.Phase, follow: Bool, on database: any Database) -> AsyncThrowingStream<String, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var next = 0
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
                        try await Task.sleep(for: .milliseconds(200))
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
    static func isWriting(_ runID: UUID, phase: RunLogChunk.Phase, on database: any Database) async throws -> Bool {
        let state = try await Runs.currentState(runID, on: database)
        switch phase {
        case .plan: return [.pending, .planning].contains(state)
        case .apply: return [.pending, .planning, .planned, .applyQueued, .applying].contains(state)
        }
    }
}
