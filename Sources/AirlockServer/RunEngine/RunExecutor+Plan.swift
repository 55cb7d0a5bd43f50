import AirlockAWS
import Crypto
import Fluent
import Foundation

extension RunExecutor {
    /// `terraform plan -out`, on the state as it is now: no changes ends the run; a speculative plan ends it with its
    /// summary (and its policy check, shown); otherwise the saved plan is read, hashed, summarized (`terraform show
    /// -json`), checked unchanged, sealed and checked against the environment's policy sets (`PolicyChecks`). A hard
    /// failure or a check that could not run ends the run errored; a soft failure makes it wait for an owner's override;
    /// otherwise it waits for Confirm & Apply (or is confirmed for its creator under `-auto-approve`).
    func plan(_ phase: PhaseContext) async throws {
        let (claim, run, environmentID, workspace, terraform, log) = (phase.claim, phase.run, phase.environmentID, phase.workspace, phase.terraform, phase.log)
        let baseSerial = try await StateVersions.latest(of: environmentID, on: database)?.serial
        // A plan only reads the state (its token may not lock or write it).
        let outcome = try await terraform.run(["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode",
                                               "-out=\(RunWorkspace.planFile)"] + (run.isDestroy == true ? ["-destroy"] : []))
        switch outcome {
        case .exited(0):
            try await finishRun(claim, to: .plannedAndFinished, note: "No changes", changes: RunChanges().set(\.$hasChanges, to: false).set(\.$baseStateSerial, to: baseSerial), log: log)
        case .exited(2) where run.isPlanOnly:
            let (stopped, summary, shown) = try await summarize(terraform, log: log)
            if let stopped { return try await finish(claim, outcome: stopped, failure: "terraform show failed", log: log) }
            let check = try await checkPolicies(of: shown, phase)
            await log.note("A speculative plan: it is never applied.")
            try await finishRun(claim, to: .plannedAndFinished, note: "Planned with changes (speculative)",
                                changes: RunChanges().set(\.$hasChanges, to: true).set(\.$baseStateSerial, to: baseSerial)
                                    .set(\.$planSummaryJSON, to: summary).merging(check.changes), log: log)
        case .exited(2):
            // The plan is read before `show` runs the configuration's providers again, and checked after it:
            // the summary approvers see is of exactly the plan whose hash they approve.
            let saving = ContinuousClock.now
            let plan = try workspace.readPlan()
            let digest = Hex.encode(SHA256.hash(data: plan))
            var saveTime = ContinuousClock.now - saving
            let (stopped, summary, shown) = try await summarize(terraform, log: log)
            if let stopped { return try await finish(claim, outcome: stopped, failure: "terraform show failed", log: log) }
            guard try workspace.readPlan() == plan else {
                let reason = "The saved plan changed while Airlock read its summary; it is not kept. Queue a new plan."
                await log.note(reason)
                return try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
            }
            let check = try await checkPolicies(of: shown, phase)
            // A cancel asked for while the policies were checked (no Terraform ran to be interrupted) ends the run here.
            switch try await queue.renew(claim.runID) {
            case .some(true): return try await finish(claim, outcome: .canceled, failure: "canceled", log: log)
            case .none: return try await finish(claim, outcome: .leaseLost, failure: "lease lost", log: log)
            case .some(false): break
            }
            let planned = RunChanges().set(\.$hasChanges, to: true).set(\.$planSHA256, to: digest).set(\.$baseStateSerial, to: baseSerial)
                .set(\.$planSummaryJSON, to: summary).merging(check.changes)
            switch check.result?.status {
            case .hardFailed?, .errored?:
                let reason = check.result?.headline ?? ""
                return try await finishRun(claim, to: .errored, note: reason, changes: planned.merging(.error(reason)), log: log)
            default:
                break
            }
            let sealing = ContinuousClock.now
            let sealed = try secrets.seal(plan, boundTo: "plan:\(claim.runID.uuidString)")
            saveTime += ContinuousClock.now - sealing
            await log.time("plan saved (read, hashed, sealed)", saveTime)
            if check.result?.status == .softFailed {
                await log.note("Plan saved (sha256 \(digest.prefix(12))); waiting for an owner's override of the policy check, then Confirm & Apply.")
                return try await finishRun(claim, to: .policyOverride, note: check.result?.headline ?? "", changes: planned.set(\.$planSealed, to: sealed), log: log)
            }
            await log.note("Plan saved (sha256 \(digest.prefix(12))); waiting for Confirm & Apply.")
            try await finishRun(claim, to: .planned, note: "Planned with changes", changes: planned.set(\.$planSealed, to: sealed), log: log)
            if run.autoApply == true {
                _ = try await RunAutoApply.confirmForCreator(claim.runID, createdBy: run.createdBy, mfa: mfa, pagesAddress: pagesAddress,
                                                             logLimitBytes: settings.logLimitBytes, on: database)
            }
        default:
            try await finish(claim, outcome: outcome, failure: "terraform plan failed", log: log)
        }
    }

    /// The plan's check against the environment's policy sets (none: no check), with its line in the log and the
    /// run's columns that record it.
    private func checkPolicies(of shown: Data?, _ phase: PhaseContext) async throws -> (result: PolicyCheck?, changes: RunChanges) {
        let started = ContinuousClock.now
        let log = phase.log
        guard let check = try await PolicyChecks.check(plan: shown, run: phase.run, environment: phase.environment,
                                                       organization: phase.environment.organization.name, engine: settings.policyEngine,
                                                       mask: { await log.masked($0) }, now: mfa.clock.now, on: database) else {
            return (nil, RunChanges())
        }
        await log.time("policy check", ContinuousClock.now - started)
        await log.note(check.headline)
        let json = String(decoding: try JSONEncoder().encode(check), as: UTF8.self)
        return (check, RunChanges().set(\.$policyCheckJSON, to: json).set(\.$policyRequiredApprovals, to: check.approvalsRequired))
    }
}
