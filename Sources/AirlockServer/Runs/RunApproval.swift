import Fluent
import Foundation

/// One person's approval of a run's apply ("Confirm & Apply", with their MFA code where the apply needs one).
/// Where an environment requires several approvals, the apply is queued with the last one.
final class RunApproval: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request that loaded it.
    static let schema = "run_approvals"

    @ID(key: .id) var id: UUID?
    @Parent(key: "run_id") var run: Run
    @Field(key: "username") var username: String
    @Field(key: "at") var at: Double
    /// The SHA-256 of the saved plan this person approved (nil on approvals from before it was recorded).
    @OptionalField(key: "plan_sha256") var planSHA256: String?

    init() {}

    init(runID: UUID, username: String, planSHA256: String?, at time: Date) {
        self.$run.id = runID
        self.username = username
        self.planSHA256 = planSHA256
        self.at = time.timeIntervalSince1970
    }

    /// Voids the approvals of the environment's planned runs, given before a change that covers them (a stricter
    /// step-up rule, a changed environment variable): each needs its approvals again; the run's history says `why`.
    static func voidAwaiting(in environmentID: UUID, actor: String, because why: String, on database: any Database) async throws {
        let planned = try await Run.query(on: database).filter(\.$environment.$id == environmentID).filter(\.$state == .planned).all()
        for run in planned {
            let runID = try run.requireID()
            guard try await RunApproval.query(on: database).filter(\.$run.$id == runID).count() > 0 else { continue }
            try await RunApproval.query(on: database).filter(\.$run.$id == runID).delete()
            try await RunEvent(runID: runID, from: .planned, to: .planned, actor: actor,
                               note: "Approvals so far voided: \(why)").save(on: database)
        }
    }
}
