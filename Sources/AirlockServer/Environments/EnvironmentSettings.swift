import Fluent
import Foundation

/// An environment's settings: "AWS Multi-Factor Authentication", the roles for plans and applies, whether codes
/// must come from each person's own device, who approves applies (four eyes, how many people), and how long a
/// phase's AWS credentials hold, and whether approvers must have signed in at the identity provider lately (step-up).
/// Owners change them; a change governs runs queued afterwards.
enum EnvironmentSettings {
    struct Change: Sendable {
        var mfaLevel: MFALevel?
        /// Empty clears; nil keeps.
        var planRoleARN: String?
        var applyRoleARN: String?
        var requirePersonalMFADevice: Bool?
        /// Four eyes: the person who queued a run may not approve its apply.
        var approverMustDiffer: Bool?
        /// Distinct people who approve an apply before it starts.
        var requiredApprovals: Int?
        /// How many hours a phase's AWS credentials hold from its start.
        var awsSessionHours: Int?
        /// Step-up: minutes since the approver's sign-in at the identity provider; 0 turns it off.
        var approvalSignInMinutes: Int?
        /// Step-up: and with a second factor there.
        var approvalNeedsProviderMFA: Bool?
    }

    /// `hasIdentityProvider`: whether the server signs people in through one; a step-up rule needs it (nobody could
    /// prove a recent sign-in otherwise, and every approval would be refused).
    static func update(_ name: String, in organization: String, change: Change, actorID: UUID, secrets: SecretBox, hasIdentityProvider: Bool,
                       on database: any Database) async throws -> TerraformEnvironment {
        let actorUsername = try await User.find(actorID, on: database)?.username ?? "an owner"
        for arn in [change.planRoleARN, change.applyRoleARN].compactMap({ $0 }) where !arn.isEmpty && !isRoleARN(arn) {
            throw MFARefusal.invalidRoleARN(arn)
        }
        if let count = change.requiredApprovals, !(1...TerraformEnvironment.maximumRequiredApprovals).contains(count) {
            throw EnvironmentRefusal.invalidRequiredApprovals(count)
        }
        if let hours = change.awsSessionHours, !TerraformEnvironment.awsSessionHoursRange.contains(hours) {
            throw EnvironmentRefusal.invalidAWSSessionHours(hours)
        }
        if let minutes = change.approvalSignInMinutes, minutes != 0, !TerraformEnvironment.approvalSignInMinutesRange.contains(minutes) {
            throw EnvironmentRefusal.invalidApprovalSignInMinutes(minutes)
        }
        if let minutes = change.approvalSignInMinutes, minutes != 0, !hasIdentityProvider { throw EnvironmentRefusal.stepUpWithoutIdentityProvider }
        let owned = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database)
        let environment = try await Environments.find(name, in: organization, actorID: actorID, on: database)
        if let level = change.mfaLevel, level != .never {
            let keys = try await Variables.ofOrganization(owned.organizationID, secrets: secrets, on: database).map(\.key)
            let missing = AWSAccess.missingForMFA(keys)
            guard missing.isEmpty else { throw MFARefusal.notConfigured(missing: missing) }
        }
        if let level = change.mfaLevel { environment.mfaLevel = level }
        if let arn = change.planRoleARN { environment.planRoleARN = arn.isEmpty ? nil : arn }
        if let arn = change.applyRoleARN { environment.applyRoleARN = arn.isEmpty ? nil : arn }
        if let required = change.requirePersonalMFADevice { environment.storedRequirePersonalMFADevice = required }
        if let differ = change.approverMustDiffer { environment.storedApproverMustDiffer = differ }
        if let count = change.requiredApprovals { environment.storedRequiredApprovals = count }
        if let hours = change.awsSessionHours { environment.storedAWSSessionHours = hours }
        let before = (minutes: environment.approvalSignInMinutes, secondFactor: environment.approvalNeedsProviderMFA)
        if let minutes = change.approvalSignInMinutes {
            environment.approvalSignInMinutes = minutes == 0 ? nil : minutes
            // Turning the rule off turns its second factor off too, unless the same change asks for it.
            if minutes == 0, change.approvalNeedsProviderMFA != true { environment.storedApprovalNeedsProviderMFA = false }
        }
        if let needed = change.approvalNeedsProviderMFA { environment.storedApprovalNeedsProviderMFA = needed }
        if environment.approvalNeedsProviderMFA, environment.approvalSignInMinutes == nil {
            throw EnvironmentRefusal.providerMFAWithoutStepUp
        }
        let stricter = environment.approvalSignInMinutes.map { now in before.minutes.map { now < $0 } ?? true } ?? false
            || (environment.approvalNeedsProviderMFA && !before.secondFactor)
        try await database.transaction { database in
            try await environment.save(on: database)
            // A stricter step-up rule covers applies still waiting for approvals: those given under the old one are void.
            if stricter {
                try await RunApproval.voidAwaiting(in: try environment.requireID(), actor: actorUsername,
                                                   because: "the environment's step-up rule for approvers became stricter", on: database)
            }
        }
        return environment
    }

    /// An IAM role's ARN: `arn:aws:iam::123456789012:role/Name` (any partition, paths allowed, IAM's
    /// characters). The OpenAPI document states the same pattern (empty clears); a test compares the two.
    static let roleARNPattern = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$"

    static func isRoleARN(_ value: String) -> Bool {
        guard let regex = try? Regex(roleARNPattern) else { return false }
        return value.wholeMatch(of: regex) != nil
    }
}
