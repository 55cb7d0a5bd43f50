import Fluent
import Foundation

/// Confirms a planned run for someone who already said yes in Terraform (`-auto-approve`, or its prompt):
/// at once where the apply needs no MFA code and no other approval; otherwise the run stays planned, and the
/// apply log (which Terraform is streaming) says what it waits for and where to give it. The apply starts when
/// the people it needs have approved.
enum RunAutoApply {
    /// Confirms for the person who queued the run with `-auto-approve`, once it is planned. If they are no longer a
    /// member of its organization (or no longer a user), the run waits, planned, and the apply log says so and where
    /// another member confirms. Returns whether the apply was queued.
    static func confirmForCreator(_ runID: UUID, createdBy username: String, mfa: MFAServices, pagesAddress: String, logLimitBytes: Int,
                                  on database: any Database) async throws -> Bool {
        if let creator = try await User.query(on: database).filter(\.$username == username).first() {
            do {
                return try await confirm(runID, for: creator, mfa: mfa, pagesAddress: pagesAddress, logLimitBytes: logLimitBytes, on: database)
            } catch RunRefusal.notFound {
                // Not a member any more: said below.
            }
        }
        guard let (located, _) = try await Runs.locate(runID, on: database) else { return false }
        try await RunWaitNote.write(.creatorGone(username), for: located, pagesAddress: pagesAddress, logLimitBytes: logLimitBytes, on: database)
        return false
    }

    /// Terraform's "yes" to a planned run (the TFE API's apply action): recorded on the run as approved in Terraform
    /// (what a later discard of the waiting run is told against), then confirmed as `confirm` does. Returns whether
    /// the apply was queued.
    static func approveInTerraform(_ runID: UUID, by actor: User, mfa: MFAServices, pagesAddress: String, logLimitBytes: Int,
                                   on database: any Database) async throws -> Bool {
        let run = try await Runs.find(runID, actorID: try actor.requireID(), for: .approve, on: database).run
        guard run.state == .planned else { throw RunRefusal.invalidTransition(action: "confirmed", state: run.state) }
        try await Run.query(on: database).filter(\.$id == runID).set(\.$autoApply, to: true).update()
        return try await confirm(runID, for: actor, mfa: mfa, pagesAddress: pagesAddress, logLimitBytes: logLimitBytes, on: database)
    }

    /// Returns whether the apply was queued; false when the run waits (the log says for what).
    static func confirm(_ runID: UUID, for actor: User, mfa: MFAServices, pagesAddress: String, logLimitBytes: Int,
                        on database: any Database) async throws -> Bool {
        let reason: RunWaitNote.Reason
        do {
            let confirmed = try await Runs.confirm(runID, actor: actor, tokenCode: nil, mfa: mfa, on: database)
            if confirmed.run.state != .planned { return true }
            let required = try await TerraformEnvironment.find(confirmed.run.$environment.id, on: database)?.requiredApprovals(for: confirmed.run) ?? 1
            reason = .moreApprovals(approvals: try await Runs.approvals(of: runID, on: database).count, required: required)
        } catch MFARefusal.codeRequired {
            reason = .applyCode(approvedBy: actor.username)
        } catch let RunRefusal.queuerCannotApprove(queuer) {
            reason = .fourEyes(queuer: queuer)
        } catch let refusal as StepUpRefusal {
            reason = .recentSignIn(minutes: refusal.maximumAgeSeconds / 60)
        } catch EnvironmentRefusal.teamAccessTooLow {
            reason = .creatorMayNotApprove(actor.username)
        }
        let located = try await Runs.find(runID, actorID: try actor.requireID(), on: database)
        try await RunWaitNote.write(reason, for: located, pagesAddress: pagesAddress, logLimitBytes: logLimitBytes, on: database)
        let waitsFor = switch reason {
        case .applyCode: "an MFA token code for its apply"
        case .moreApprovals, .fourEyes, .creatorGone, .creatorMayNotApprove: "another member's approval of its apply"
        case .recentSignIn: "an approval on its page after a recent sign-in at the identity provider"
        case .planCode: "an MFA token code for its plan"
        }
        try await Notifications.record(.runWaiting, environmentID: located.run.$environment.id, runID: runID,
                                       detail: "Run #\(located.run.number) is planned and waits for \(waitsFor).", at: mfa.clock.now, on: database)
        return false
    }
}
