import Fluent
import Foundation

/// Everything an environment's settings page shows, read by one query function (`load`);
/// `EnvironmentSettingsPage+View.swift` only renders it.
struct EnvironmentSettingsPage {
    let organization: String
    let environment: String
    let mfaLevel: MFALevel
    let planRoleARN: String?
    let applyRoleARN: String?
    let requiresPersonalMFADevice: Bool
    let approverMustDiffer: Bool
    let requiredApprovals: Int
    /// How many hours a phase's AWS credentials hold from its start.
    let awsSessionHours: Int
    /// Step-up at approval: minutes since the approver's sign-in at the identity provider (nil: off), and whether
    /// a second factor there is needed; shown only when the server has an identity provider (or a rule is set).
    let approvalSignInMinutes: Int?
    let approvalNeedsProviderMFA: Bool
    let hasIdentityProvider: Bool
    /// Owners change settings and teams' access; others see them read-only.
    let isOwner: Bool
    /// Owners and teams with administer access change the environment's variables.
    let administersEnvironment: Bool
    let variables: [ListedVariable]
    /// Whether members reach the environment only through teams given access (`teamAccess`).
    let restrictedToTeams: Bool
    /// The teams with access here.
    let teamAccess: [Teams.Access]
    /// The organization's teams, for an owner's form.
    let teams: [String]

    static func load(organization: String, environment name: String, actorID: UUID, secrets: SecretBox, hasIdentityProvider: Bool,
                     on database: any Database) async throws -> EnvironmentSettingsPage {
        let (grant, environment) = try await Authorizer.authorize(actorID, .read, environment: name, organization: organization, on: database)
        return EnvironmentSettingsPage(
            organization: organization, environment: environment.name, mfaLevel: environment.mfaLevel,
            planRoleARN: environment.planRoleARN, applyRoleARN: environment.applyRoleARN,
            requiresPersonalMFADevice: environment.requiresPersonalMFADevice, approverMustDiffer: environment.approverMustDiffer,
            requiredApprovals: environment.requiredApprovals, awsSessionHours: environment.awsSessionHours,
            approvalSignInMinutes: environment.approvalSignInMinutes, approvalNeedsProviderMFA: environment.approvalNeedsProviderMFA,
            hasIdentityProvider: hasIdentityProvider, isOwner: grant.isOwner, administersEnvironment: grant.administersEnvironment,
            variables: try await Variables.list(.environment(organization: organization, environment: environment.name), actorID: actorID,
                                                secrets: secrets, on: database),
            restrictedToTeams: environment.restrictedToTeams,
            teamAccess: try await Teams.access(to: environment.name, in: organization, actorID: actorID, on: database),
            teams: grant.isOwner ? try await Teams.list(in: organization, actorID: actorID, on: database).map(\.name) : [])
    }
}
