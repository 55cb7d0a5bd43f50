import Fluent
import Foundation

/// One MFA authentication attempt, kept for audit: who, with which device, when, which environment, run and
/// phase, the result, STS's request id and error. Never the code.
final class MFAAuthentication: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or task that loaded it.
    static let schema = "mfa_authentications"

    @ID(key: .id) var id: UUID?
    @Parent(key: "environment_id") var environment: TerraformEnvironment
    @OptionalField(key: "run_id") var runID: UUID?
    @Field(key: "username") var username: String
    @Field(key: "phase") var phase: RunPhase
    @Field(key: "succeeded") var succeeded: Bool
    @OptionalField(key: "sts_request_id") var stsRequestID: String?
    @OptionalField(key: "error") var error: String?
    @Field(key: "at") var at: Double
    /// Whether the attempt counts against the failure limit; nil on rows from before (they count if failed).
    @OptionalField(key: "counts_as_failure") var countsAsFailure: Bool?
    /// The device whose code was sent (nil: none was sent, or a row from before personal devices).
    @OptionalField(key: "device_serial") var deviceSerial: String?
    /// For an apply, the SHA-256 of the saved plan the code approved.
    @OptionalField(key: "plan_sha256") var planSHA256: String?
    /// What the identity provider said of the person's sign-in, when the environment's step-up rule asked
    /// (`SignInProof.describe`): the audit names both factors.
    @OptionalField(key: "identity_proof") var identityProof: String?
    /// What the code was for when it was not the phase's own authentication: `policy_override` (an owner overriding a
    /// failed soft-mandatory policy). Nil: the phase's authentication, which the lock icon shows.
    @OptionalField(key: "purpose") var purpose: String?

    /// The purpose of an owner's code that overrides a policy failure.
    static let policyOverride = "policy_override"

    init() {}

    init(environmentID: UUID, runID: UUID?, username: String, phase: RunPhase, succeeded: Bool, stsRequestID: String?,
         error: String?, countsAsFailure: Bool, deviceSerial: String? = nil, planSHA256: String? = nil, at: Date) {
        self.$environment.id = environmentID
        self.runID = runID
        self.username = username
        self.phase = phase
        self.succeeded = succeeded
        self.stsRequestID = stsRequestID
        self.error = error
        self.countsAsFailure = countsAsFailure
        self.deviceSerial = deviceSerial
        self.planSHA256 = planSHA256
        self.at = at.timeIntervalSince1970
    }
}
