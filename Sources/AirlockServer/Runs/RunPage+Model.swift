import Fluent
import Foundation

/// Everything a run's page shows, read by one query function (`load`), so the page's data is testable
/// without HTTP; `RunPage+View.swift` only renders it.
struct RunPage {
    let organization: String
    let environment: String
    let run: Run
    let events: [RunEvent]
    let planLog: String
    let applyLog: String
    /// The lock icon next to the token field (or alone once the gate is behind the run).
    let lock: MFALockView.Status?
    /// Whether "Confirm & Apply" needs a token code.
    let confirmNeedsCode: Bool
    /// Whether the run waits for a token code before its plan (queued by Terraform's CLI, or its code's hour ran out).
    let planNeedsCode: Bool
    /// Whether the run's apply waits for a new token code (its approval's code let it start for an hour only).
    let applyNeedsCode: Bool
    /// Who approved the apply so far, and how many approvals it needs.
    let approvals: [RunApproval]
    let requiredApprovals: Int
    /// Whether approvals here need a recent sign-in at the identity provider (a step-up may send the form there).
    let approvalsNeedStepUp: Bool
    /// The run's MFA authentications, newest first.
    let authentications: [MFAAuthentication]
    /// Whether the visitor may override the run's failed soft-mandatory policies (an owner, while it waits for that).
    let mayOverridePolicy: Bool
    /// What the run waits for from people and whether the visitor may give it; nil when it waits for no one.
    let awaiting: RunAwaiting?

    var runID: UUID { run.id ?? UUID() }

    /// The run `runID` as `actorID` may see it, in the URL's organization and environment; `RunRefusal.notFound`
    /// otherwise (another organization's run looks like a missing one).
    static func load(runID: UUID, organization: String, environment: String, actorID: UUID, secrets: SecretBox,
                     on database: any Database) async throws -> RunPage {
        let run = try await Runs.find(runID, in: organization, environment, actorID: actorID, on: database).run
        let applyAttempt = try await MFAGate.latest(runID: runID, phase: .apply, on: database)
        let planAttempt = try await MFAGate.latest(runID: runID, phase: .plan, on: database)
        let confirmNeedsCode = run.state == .planned && run.mfaLevel.requiresMFA(for: .apply)
        let rules = try await TerraformEnvironment.find(run.$environment.id, on: database)
        let approvals = try await Runs.approvals(of: runID, on: database)
        let required = rules?.requiredApprovals(for: run) ?? 1
        var awaiting: RunAwaiting?
        if let rules, RunAwaiting.mayWait(run) {
            awaiting = try await RunAwaiting.of(run, in: rules, viewer: try await User.find(actorID, on: database), secrets: secrets, on: database)
        }
        // The lock shows the whole approval: closed until the last approval is in, open with every approver named.
        let lock: MFALockView.Status? = if run.state == .planned {
            !confirmNeedsCode ? nil
                : applyAttempt?.succeeded == true && !approvals.isEmpty ? .awaitingApprovals(approvedBy: approvals.map(\.username), required: required)
                : MFALockView.status(of: applyAttempt)
        } else if run.waitsForPlanCode {
            MFALockView.status(of: planAttempt)
        } else if run.waitsForApplyCode {
            MFALockView.status(of: applyAttempt)
        } else if let applyAttempt, applyAttempt.succeeded, approvals.count > 1 {
            .authenticated(by: Self.names(approvals.map(\.username)))
        } else {
            (applyAttempt ?? planAttempt).map { MFALockView.status(of: $0) }
        }
        var mayOverridePolicy = false
        if run.state == .policyOverride {
            mayOverridePolicy = (try? await Authorizer.authorize(actorID, .administer, organization: organization, on: database)) != nil
        }
        return RunPage(organization: organization, environment: environment, run: run,
                       events: try await Runs.events(of: runID, on: database),
                       planLog: try await RunLogChunk.text(of: runID, .plan, on: database),
                       applyLog: try await RunLogChunk.text(of: runID, .apply, on: database),
                       lock: lock, confirmNeedsCode: confirmNeedsCode, planNeedsCode: run.waitsForPlanCode, applyNeedsCode: run.waitsForApplyCode,
                       approvals: approvals, requiredApprovals: required, approvalsNeedStepUp: rules?.approvalSignInMinutes != nil,
                       authentications: try await MFAAuthentication.query(on: database).filter(\.$runID == runID).sort(\.$at, .descending).all(),
                       mayOverridePolicy: mayOverridePolicy, awaiting: awaiting)
    }

    /// "olga", "olga and mario", "olga, mario and otto".
    static func names(_ names: [String]) -> String {
        guard let last = names.last, names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + last
    }
}
