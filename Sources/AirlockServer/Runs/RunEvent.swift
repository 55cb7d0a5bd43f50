import Fluent
import Foundation

/// One recorded transition of a run: from, to, when, by whom, and why.
final class RunEvent: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or task that loaded it.
    static let schema = "run_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "run_id") var run: Run
    @OptionalField(key: "from_state") var fromState: String?
    @Field(key: "to_state") var toState: String
    @Field(key: "at") var at: Double
    /// The user who caused it, or `airlock` for the server's own moves.
    @Field(key: "actor") var actor: String
    @OptionalField(key: "note") var note: String?

    init() {}

    init(runID: UUID, from: RunState?, to: RunState, actor: String, note: String?) {
        self.$run.id = runID
        self.fromState = from?.rawValue
        self.toState = to.rawValue
        self.at = Date().timeIntervalSince1970
        self.actor = actor
        self.note = note
    }
}
