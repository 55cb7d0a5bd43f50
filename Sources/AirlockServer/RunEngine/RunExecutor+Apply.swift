import AirlockAWS
import Crypto
import Fluent
import Foundation

extension RunExecutor {
    /// `terraform apply` of exactly the plan approvers saw: the sealed plan is unsealed, checked against its
    /// recorded hash, written where the sandbox shows it read-only, and applied.
    func apply(_ phase: PhaseContext) async throws {
        let (claim, run, workspace, terraform, log) = (phase.claim, phase.run, phase.workspace, phase.terraform, phase.log)
        guard let sealed = run.planSealed, let expected = run.planSHA256 else {
            try await finishRun(claim, to: .errored, note: "The run has no saved plan.", changes: .error("The run has no saved plan."), log: log)
            return
        }
        let plan = try secrets.unseal(sealed, boundTo: "plan:\(claim.runID.uuidString)")
        let digest = Hex.encode(SHA256.hash(data: plan))
        guard digest == expected else {
            let reason = "The saved plan does not match its recorded hash; it was not applied."
            try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
            return
        }
        try workspace.writeApprovedPlan(plan)
        await log.note("Applying the saved plan (sha256 \(digest.prefix(12))).")
        let outcome = try await terraform.run(["apply", "-input=false", "-no-color", workspace.approvedPlan.path])
        if let saves = await StateSaveTimes.shared.take(claim.runID) {
            await log.time("state saved (\(saves.count)×, \(max(1, saves.bytes / 1024)) KiB)", saves.duration)
        }
        if outcome == .exited(0) {
            try await finishRun(claim, to: .applied, note: "Applied", changes: RunChanges(), log: log)
        } else {
            try await finish(claim, outcome: outcome, failure: "terraform apply failed", log: log)
        }
    }
}
