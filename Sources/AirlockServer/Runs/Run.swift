import Fluent
import Foundation

/// A plan (and perhaps an apply) of one configuration version on one environment.
final class Run: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or task that loaded it.
    static let schema = "runs"

    @ID(key: .id) var id: UUID?
    @Parent(key: "environment_id") var environment: TerraformEnvironment
    /// 1, 2, ... within the environment; also its place in the environment's queue.
    @Field(key: "number") var number: Int
    @Parent(key: "configuration_version_id") var configurationVersion: ConfigurationVersion
    @Field(key: "message") var message: String
    @Field(key: "state") var state: RunState
    @Field(key: "created_by") var createdBy: String
    /// Seconds since 1970 with fractions: when it was queued; orders the queue across environments.
    @Field(key: "queued_at") var queuedAt: Double
    @OptionalField(key: "has_changes") var hasChanges: Bool?
    /// The saved plan, sealed (it holds variable values), and the SHA-256 of its plaintext.
    @OptionalField(key: "plan_sealed") var planSealed: Data?
    @OptionalField(key: "plan_sha256") var planSHA256: String?
    /// The state serial the plan was made on; an apply on a newer state is refused.
    @OptionalField(key: "base_state_serial") var baseStateSerial: Int?
    @OptionalField(key: "error_message") var errorMessage: String?
    /// The worker executing it and until when its claim holds (renewed while it works).
    @OptionalField(key: "lease_owner") var leaseOwner: String?
    @OptionalField(key: "lease_expires_at") var leaseExpiresAt: Double?
    @Field(key: "cancel_requested") var cancelRequested: Bool
    /// SHA-256 of the token Terraform's http backend uses during this run's execution.
    @OptionalField(key: "backend_token_hash") var backendTokenHash: String?
    /// The environment's MFA setting when the run was queued: it governs the run.
    @OptionalField(key: "mfa_level") var storedMFALevel: MFALevel?
    var mfaLevel: MFALevel {
        get { storedMFALevel ?? .never }
        set { storedMFALevel = newValue }
    }
    /// The AWS grant an MFA authentication made for a phase (`PhaseAWSGrant`), sealed; taken by the worker.
    @OptionalField(key: "plan_credentials_sealed") var planCredentialsSealed: String?
    @OptionalField(key: "apply_credentials_sealed") var applyCredentialsSealed: String?
    @OptionalField(key: "plan_authenticated_by") var planAuthenticatedBy: String?
    @OptionalField(key: "apply_authenticated_by") var applyAuthenticatedBy: String?
    /// When the phase's grant from a code stops letting it start (seconds since 1970): a phase that has not
    /// started by then waits for a new code (`waitsForCode`).
    @OptionalField(key: "plan_start_by") var planStartBy: Double?
    @OptionalField(key: "apply_start_by") var applyStartBy: Double?
    /// Until when the phase's AWS credentials hold, set when it starts.
    @OptionalField(key: "plan_credentials_until") var planCredentialsUntil: Double?
    @OptionalField(key: "apply_credentials_until") var applyCredentialsUntil: Double?
    /// A speculative plan: it ends planned and finished, never appliable (nil in runs from before the column).
    @OptionalField(key: "plan_only") var planOnly: Bool?

    /// Confirmed for its creator once planned (`terraform apply -auto-approve`), where no MFA code is needed.
    @OptionalField(key: "auto_apply") var autoApply: Bool?

    /// A plan made with `-destroy` (`terraform destroy`): applying it destroys the environment's resources.
    @OptionalField(key: "is_destroy") var isDestroy: Bool?

    /// What the saved plan does (`PlanSummary`, as JSON), read from the saved plan file after the plan.
    @OptionalField(key: "plan_summary") var planSummaryJSON: String?
    /// The plan's policy check (`PolicyCheck`, JSON); nil where no policy set covered the environment.
    @OptionalField(key: "policy_check") var policyCheckJSON: String?
    /// The approvals the plan's policies demand (`approvals_required`), on top of the environment's rule.
    @OptionalField(key: "policy_required_approvals") var policyRequiredApprovals: Int?

    var isPlanOnly: Bool { planOnly ?? false }

    var policyCheck: PolicyCheck? {
        policyCheckJSON.flatMap { try? JSONDecoder().decode(PolicyCheck.self, from: Data($0.utf8)) }
    }

    /// The saved plan's summary; nil before the plan, without changes, or when it could not be read.
    var planSummary: PlanSummary? {
        planSummaryJSON.flatMap { try? JSONDecoder().decode(PlanSummary.self, from: Data($0.utf8)) }
    }

    /// Queued without a live grant for a phase that needs an MFA token code: queued without one (Terraform's CLI
    /// cannot ask for one), or its code's grant ran out before a worker took it (`PhaseAWSGrant.startBy`). No worker
    /// takes it until someone authenticates (`Runs.authenticate`), and it holds the environment's queue meanwhile.
    /// `RunQueue.mayStart` applies the same rule in SQL.
    func waitsForCode(_ phase: RunPhase, at now: Date = Date()) -> Bool {
        guard state == (phase == .plan ? .pending : .applyQueued), mfaLevel.requiresMFA(for: phase) else { return false }
        return ((phase == .plan ? planStartBy : applyStartBy) ?? 0) <= now.timeIntervalSince1970
    }

    var waitsForPlanCode: Bool { waitsForCode(.plan) }
    var waitsForApplyCode: Bool { waitsForCode(.apply) }

    init() {}

    init(id: UUID? = nil, environmentID: UUID, number: Int, configurationVersionID: UUID, message: String, createdBy: String,
         mfaLevel: MFALevel = .never) {
        self.id = id
        self.mfaLevel = mfaLevel
        self.$environment.id = environmentID
        self.number = number
        self.$configurationVersion.id = configurationVersionID
        self.message = message
        self.state = .pending
        self.createdBy = createdBy
        self.queuedAt = Date().timeIntervalSince1970
        self.cancelRequested = false
    }
}
