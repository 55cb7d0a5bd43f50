import Foundation

/// What someone asks for when they queue a plan, as each edge (API, pages, TFE) reads it.
struct PlanRequest: Sendable {
    let organization: String
    let environment: String
    /// The configuration version to plan; nil for the environment's newest upload.
    var configurationVersionID: UUID?
    /// The run's message; nil for "Queued by <user>".
    var message: String?
    /// The MFA token code, under "plans and applies".
    var tokenCode: String?
    /// Without a code under "plans and applies": queue the run to wait for someone to authenticate it (Terraform's
    /// CLI, which cannot ask for a code), instead of refusing it.
    var waitForPlanCode = false
    /// A speculative plan, never applied.
    var planOnly = false
    /// Confirm for the person who queued it once it is planned (`terraform apply -auto-approve`).
    var autoApply = false
    /// A plan that destroys everything (`terraform destroy`).
    var destroy = false

    init(in organization: String, _ environment: String, configurationVersionID: UUID? = nil, message: String? = nil, tokenCode: String? = nil) {
        self.organization = organization
        self.environment = environment
        self.configurationVersionID = configurationVersionID
        self.message = message
        self.tokenCode = tokenCode
    }
}
