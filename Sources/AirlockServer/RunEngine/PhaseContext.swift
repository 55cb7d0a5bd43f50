import Foundation

/// A run phase being executed, once its folder, sandbox and `terraform init` are ready: what the plan and the
/// apply steps of `RunExecutor` work with.
struct PhaseContext {
    let claim: RunQueue.Claim
    let run: Run
    /// Its environment, with its organization.
    let environment: TerraformEnvironment
    var environmentID: UUID { environment.id ?? UUID() }
    let workspace: RunWorkspace
    let terraform: TerraformInvocation
    let log: RunLogWriter
}
