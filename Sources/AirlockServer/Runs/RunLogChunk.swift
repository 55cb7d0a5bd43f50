import Fluent
import Foundation

/// A piece of a run's plan or apply log, stored as Terraform writes it (already masked), so a log survives
/// a crash up to its last line and can be followed from any server.
final class RunLogChunk: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or task that loaded it.
    static let schema = "run_log_chunks"

    @ID(key: .id) var id: UUID?
    @Parent(key: "run_id") var run: Run
    @Field(key: "phase") var phase: RunPhase
    @Field(key: "sequence") var sequence: Int
    @Field(key: "text") var text: String

    init() {}

    init(runID: UUID, phase: RunPhase, sequence: Int, text: String) {
        self.$run.id = runID
        self.phase = phase
        self.sequence = sequence
        self.text = text
    }
}

extension RunLogChunk {
    /// A phase's whole log as stored so far.
    static func text(of runID: UUID, _ phase: RunPhase, on database: any Database) async throws -> String {
        try await query(on: database).filter(\.$run.$id == runID).filter(\.$phase == phase).sort(\.$sequence).all()
            .map(\.text).joined()
    }
}
