import Fluent
import Foundation

/// A Terraform environment of an organization (`/terraform/:organization/environments/:environment`).
final class TerraformEnvironment: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or command that loaded it.
    static let schema = "environments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "name") var name: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// Terraform's state lock (the lock info JSON its http backend sent), while someone holds it.
    @OptionalField(key: "state_lock") var stateLock: String?
    /// The run whose Terraform holds the state lock (nil for an owner's lock, or none).
    @OptionalField(key: "state_lock_run_id") var stateLockRunID: UUID?
    /// "AWS Multi-Factor Authentication": which phases need a token code.
    @OptionalField(key: "mfa_level") var storedMFALevel: MFALevel?
    var mfaLevel: MFALevel {
        get { storedMFALevel ?? .never }
        set { storedMFALevel = newValue }
    }
    /// Roles the server assumes for Terraform: a plan role (e.g. read-only) and an apply role.
    @OptionalField(key: "plan_role_arn") var planRoleARN: String?
    @OptionalField(key: "apply_role_arn") var applyRoleARN: String?
    /// Codes must come from the person's own registered MFA device (nil on rows from before: not required).
    @OptionalField(key: "require_personal_mfa_device") var storedRequirePersonalMFADevice: Bool?
    var requiresPersonalMFADevice: Bool { storedRequirePersonalMFADevice ?? false }
    /// Four eyes: the person who queued a run may not approve its apply (nil on rows from before: they may).
    @OptionalField(key: "approver_must_differ") var storedApproverMustDiffer: Bool?
    var approverMustDiffer: Bool { storedApproverMustDiffer ?? false }
    /// How many distinct people approve an apply before it starts (nil on rows from before: one).
    @OptionalField(key: "required_approvals") var storedRequiredApprovals: Int?
    var requiredApprovals: Int { max(1, storedRequiredApprovals ?? 1) }
    /// The approvals a run's apply needs: the environment's rule, or more where the run's policies demand it
    /// (`approvals_required`, `PolicyCheck`).
    func requiredApprovals(for run: Run) -> Int { max(requiredApprovals, run.policyRequiredApprovals ?? 0) }
    /// The most approvals an environment may require.
    static let maximumRequiredApprovals = 10
    /// How long, in hours, a run phase's AWS credentials hold from its start (nil on rows from before: one).
    @OptionalField(key: "aws_session_hours") var storedAWSSessionHours: Int?
    var awsSessionHours: Int { min(Self.awsSessionHoursRange.upperBound, max(1, storedAWSSessionHours ?? 1)) }
    var awsSessionSeconds: Int { awsSessionHours * 3600 }
    /// The limits an owner may set: an hour (what AWS gives by default) to twelve (the longest role session).
    static let awsSessionHoursRange = 1...12
    /// Step-up: an approver must have signed in at the identity provider within this many minutes (nil: no such rule).
    @OptionalField(key: "approval_sign_in_minutes") var approvalSignInMinutes: Int?
    /// Step-up: and with a second factor there, as its `amr` says (nil on rows from before: not required).
    @OptionalField(key: "approval_needs_provider_mfa") var storedApprovalNeedsProviderMFA: Bool?
    var approvalNeedsProviderMFA: Bool { storedApprovalNeedsProviderMFA ?? false }
    /// Whether the environment is restricted to teams (`EnvironmentTeamAccess`): set when an owner first gives a team
    /// access, cleared only when an owner opens it to every member again, never by taking the last team's access away
    /// (which leaves it to owners). Nil on rows from before: open.
    @OptionalField(key: "restricted_to_teams") var storedRestrictedToTeams: Bool?
    var restrictedToTeams: Bool { storedRestrictedToTeams ?? false }
    /// The step-up window an owner may set, in minutes (0 turns the rule off).
    static let approvalSignInMinutesRange = 1...1440

    init() {}

    init(organizationID: UUID, name: String) {
        self.$organization.id = organizationID
        self.name = name
        self.mfaLevel = .never
    }
}
