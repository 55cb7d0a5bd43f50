import Fluent
import Foundation

/// The line a run's log gets when it waits for people (Terraform's CLI streams that log, so its user reads
/// it): what waits and why, where to act (the run's page or the airlock CLI), and how to stop waiting.
enum RunWaitNote {
    enum Reason {
        /// The plan needs someone's AWS MFA token code.
        case planCode
        /// `approvedBy` approved the apply, which needs an AWS MFA token code.
        case applyCode(approvedBy: String)
        /// The apply needs `required` approvals and has `approvals`.
        case moreApprovals(approvals: Int, required: Int)
        /// Four eyes: `queuer` queued the run and may not approve its apply.
        case fourEyes(queuer: String)
        /// `-auto-approve` confirms for `creator`, who is no longer a member of the organization.
        case creatorGone(String)
        /// `-auto-approve` confirms for `creator`, whose teams may not approve applies in the environment.
        case creatorMayNotApprove(String)
        /// Step-up: approvals need a sign-in at the identity provider within `minutes`, which only the run's page can see.
        case recentSignIn(minutes: Int)
    }

    static func write(_ reason: Reason, for located: Runs.Located, pagesAddress: String, logLimitBytes: Int,
                      on database: any Database) async throws {
        let runID = try located.run.requireID()
        let page = pagesAddress + RunPages.path(located.organization, located.environment, run: runID)
        let phase: RunPhase = if case .planCode = reason { .plan } else { .apply }
        // Where approvals need a recent sign-in at the identity provider, only the run's page can approve the apply.
        let environment = try await TerraformEnvironment.find(located.run.$environment.id, on: database)
        let stepUp = phase == .apply && environment?.approvalSignInMinutes != nil
        let command = stepUp ? "the run's page only (it sees your sign-in at the identity provider)"
            : "`airlock run \(phase.rawValue) --env \(located.organization)/\(located.environment) --run \(runID.uuidString.lowercased())`"
        let text = switch reason {
        case .planCode:
            "This environment needs an AWS MFA token code for the plan. The run waits, queued: authenticate on \(page) or with "
                + "\(command), and the plan starts (cancel the run there to stop waiting)."
        case let .applyCode(approvedBy):
            "\(approvedBy) approved the apply; this environment needs an AWS MFA token code for it. The run waits, "
                + "planned: authenticate on \(page) or with \(command), and the apply starts (discard the run there to stop waiting)."
        case let .moreApprovals(approvals, required):
            "The apply needs \(required) people's approvals and has \(approvals). The run waits, planned: another member approves on "
                + "\(page) or with \(command), and the apply starts with the last approval (discard the run there to stop waiting)."
        case let .fourEyes(queuer):
            "Four eyes: \(queuer) queued this run, so another member must approve its apply. The run waits, planned: approve on "
                + "\(page) or with \(command) (discard the run there to stop waiting)."
        case let .creatorGone(creator):
            "-auto-approve confirms the apply for \(creator), who queued this run and is no longer a member of \(located.organization). "
                + "The run waits, planned: a member approves on \(page) or with \(command) (discard the run there to stop waiting)."
        case let .creatorMayNotApprove(creator):
            "-auto-approve confirms the apply for \(creator), who queued this run; their teams may not approve applies in "
                + "\(located.environment). The run waits, planned: someone whose team may approves on \(page) or with \(command) "
                + "(discard the run there to stop waiting)."
        case let .recentSignIn(minutes):
            "Approvals in this environment need a sign-in at the identity provider within the last \(minutes) minutes. The run waits, "
                + "planned: approve on \(page), signed in through the identity provider (discard the run there to stop waiting)."
        }
        let log = try await RunLogWriter(runID: runID, phase: phase, secrets: [], maximumBytes: logLimitBytes, database: database)
        await log.note(text)
        try await log.flush()
    }
}
