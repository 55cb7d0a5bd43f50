import AirlockAWS
import Crypto
import Fluent
import Foundation

extension RunExecutor {
    /// `terraform plan -out`, on the state as it is now: no changes ends the run; a speculative plan ends it with its
    /// summary (and its policy check, shown); otherwise the saved plan is read, hashed, summarized from its own bytes
    /// (`SavedPlan`; a plan Airlock cannot read ends the run errored), checked against the environment's policy sets
    /// (`PolicyChecks`) and sealed. A hard failure or a check that could not run ends the run errored; a soft failure
    /// makes it wait for an owner's override; otherwise it waits for Confirm & Apply (or is confirmed for its creator
    /// under `-auto-approve`).
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
            let plan = try workspace.readPlan()
            var summary: String?
            do {
                summary = try await summarize(plan, log: log)
            } catch {
                await log.note("The plan's summary could not be read: \(error).")
            }
            let check = try await checkPolicies(of: plan, phase)
            if try await stoppedWhileChecking(claim, log: log) { return }
            await log.note("A speculative plan: it is never applied.")
            try await finishRun(claim, to: .plannedAndFinished, note: "Planned with changes (speculative)",
                                changes: RunChanges().set(\.$hasChanges, to: true).set(\.$baseStateSerial, to: baseSerial)
                                    .set(\.$planSummaryJSON, to: summary).merging(check.changes), log: log)
        case .exited(2):
            // What approvers see is read from exactly the bytes hashed, sealed and applied.
            let saving = ContinuousClock.now
            let plan = try workspace.readPlan()
            let digest = Hex.encode(SHA256.hash(data: plan))
            var saveTime = ContinuousClock.now - saving
            let summary: String
            do {
                summary = try await summarize(plan, log: log)
            } catch {
                let reason = "Airlock could not read the saved plan: \(error). Nobody could see what it would change, so it is not kept."
                await log.note(reason)
                return try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
            }
            let check = try await checkPolicies(of: plan, phase)
            if try await stoppedWhileChecking(claim, log: log) { return }
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

    /// The summary of the saved plan `plan`, its addresses masked as the log masks them (a `for_each` key may hold a
    /// sensitive variable's value), noted in the log; as the run's column stores it.
    private func summarize(_ plan: Data, log: RunLogWriter) async throws -> String {
        let summary = await log.masked(PlanSummary(try SavedPlan([UInt8](plan))))
        await log.note(summary.headline)
        return String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
    }

    /// Ends the run if a cancel was asked for, or its lease lost, while the policies were checked (`terraform show`
    /// may have been interrupted, or no Terraform ran to be); whether it did.
    private func stoppedWhileChecking(_ claim: RunQueue.Claim, log: RunLogWriter) async throws -> Bool {
        switch try await queue.renew(claim.runID) {
        case .some(true): try await finish(claim, outcome: .canceled, failure: "canceled", log: log)
        case .none: try await finish(claim, outcome: .leaseLost, failure: "lease lost", log: log)
        case .some(false): return false
        }
        return true
    }

    /// The plan's check against the environment's policy sets (none: no check), with its line in the log and the
    /// run's columns that record it. Only when a set covers the environment does `terraform show -json` run, for the
    /// policies' input; its answer is used only if the plan file still holds `plan`'s bytes after it.
    private func checkPolicies(of plan: Data, _ phase: PhaseContext) async throws -> (result: PolicyCheck?, changes: RunChanges) {
        let started = ContinuousClock.now
        let log = phase.log
        let showPlan = { () async throws -> Data? in
            let shown = try await self.showPlan(phase.terraform, log: log)
            guard try phase.workspace.readPlan() == plan else {
                await log.note("The saved plan changed while terraform show read it, so the policies cannot check it.")
                return nil
            }
            return shown
        }
        guard let check = try await PolicyChecks.check(showPlan: showPlan, run: phase.run, environment: phase.environment,
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
