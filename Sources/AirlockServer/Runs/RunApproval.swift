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
}
