import Fluent
import Foundation

/// Confirms a planned run for someone who already said yes in Terraform (`-auto-approve`, or its prompt):
/// at once where the apply needs no MFA code and no other approval; otherwise the run stays planned, and the
/// apply log (which Terraform is streaming) says what it waits for and where to give it. The apply starts when
/// the people it needs have approved.
enum RunAutoApply {
    /// Returns whether the apply was queued; false when the run waits (the log says for what).
    static func confirm(_ runID: UUID, for actor: User, mfa: MFAServices, pagesAddress: String, logLimitBytes: Int,
                        on database: any Database) async throws -> Bool {
        let reason: RunWaitNote.Reason
        do {
            let confirmed = try await Runs.confirm(runID, actor: actor, tokenCode: nil, mfa: mfa, on: database)
            if confirmed.run.state != .planned { return true }
            let required = try await TerraformEnvironment.find(confirmed.run.$environment.id, on: database)?.requiredApprovals ?? 1
            reason = .moreApprovals(approvals: try await Runs.approvals(of: runID, on: database).count, required: required)
        } catch MFARefusal.codeRequired {
            reason = .applyCode(approvedBy: actor.username)
        } catch let RunRefusal.queuerCannotApprove(queuer) {
            reason = .fourEyes(queuer: queuer)
        }
        let located = try await Runs.find(runID, actorID: try actor.requireID(), on: database)
        try await RunWaitNote.write(reason, for: located, pagesAddress: pagesAddress, logLimitBytes: logLimitBytes, on: database)
        let waitsFor = switch reason {
        case .applyCode: "an MFA token code for its apply"
        case .moreApprovals, .fourEyes: "another member's approval of its apply"
        case .planCode: "an MFA token code for its plan"
        }
        try await Notifications.record(.runWaiting, environmentID: located.run.$environment.id, runID: runID,
                                       detail: "Run #\(located.run.number) is planned and waits for \(waitsFor).", at: mfa.clock.now, on: database)
        return false
    }
}
