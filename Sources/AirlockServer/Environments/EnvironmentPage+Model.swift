import Fluent
import Foundation

/// Everything an environment's page shows (its runs, the "Queue plan" form, its MFA authentications),
/// read by one query function (`load`); `EnvironmentPage+View.swift` only renders it.
struct EnvironmentPage {
    let organization: String
    let environment: String
    let mfaLevel: MFALevel
    /// Newest first.
    let runs: [Run]
    /// The lock beside "Queue plan" when plans need a code: red for the visitor's own failure in the last
    /// ten minutes, neutral otherwise. Nil when plans need no code.
    let planLock: MFALockView.Status?
    /// The environment's latest MFA authentications, newest first.
    let authentications: [MFAAuthentication]
    /// The environment's approval rules, in words (four eyes, approvals per apply, personal devices, a recent sign-in).
    let rules: [String]
    /// What each listed run that waits for people waits for, as the visitor sees it, by run id.
    let awaiting: [UUID: RunAwaiting]

    /// How long the visitor's own failed plan authentication keeps the lock red.
    static let failureShownFor: TimeInterval = 600
    static let authenticationsShown = 20

    static func load(organization: String, environment name: String, visitor: User, now: Date, secrets: SecretBox,
                     on database: any Database) async throws -> EnvironmentPage {
        let environment = try await Environments.find(name, in: organization, actorID: try visitor.requireID(), on: database)
        let environmentID = try environment.requireID()
        var planLock: MFALockView.Status?
        if environment.mfaLevel.requiresMFA(for: .plan) {
            let recent = try await MFAAuthentication.query(on: database).filter(\.$environment.$id == environmentID)
                .filter(\.$username == visitor.username).filter(\.$phase == .plan).sort(\.$at, .descending).first()
            let recentFailure = recent.map { !$0.succeeded && now.timeIntervalSince1970 - $0.at < failureShownFor } ?? false
            planLock = recentFailure ? MFALockView.status(of: recent) : .neutral
        }
        let runs = try await Runs.list(of: environment, on: database)
        var awaiting: [UUID: RunAwaiting] = [:]
        for run in runs where RunAwaiting.mayWait(run) {
            awaiting[try run.requireID()] = try await RunAwaiting.of(run, in: environment, viewer: visitor, secrets: secrets, on: database)
        }
        return EnvironmentPage(
            organization: organization, environment: environment.name, mfaLevel: environment.mfaLevel,
            runs: runs, planLock: planLock,
            authentications: try await MFAAuthentication.query(on: database).filter(\.$environment.$id == environmentID)
                .sort(\.$at, .descending).limit(authenticationsShown).all(),
            rules: rules(of: environment), awaiting: awaiting)
    }

    /// The environment's approval rules, in words.
    static func rules(of environment: TerraformEnvironment) -> [String] {
        var rules = ["\(environment.requiredApprovals) approval\(environment.requiredApprovals == 1 ? "" : "s") per apply"
                     + (environment.requiredApprovals > 1 ? ", from different people" : "")]
        if environment.approverMustDiffer { rules.append("four eyes: whoever queues a run may not approve its apply") }
        if environment.requiresPersonalMFADevice { rules.append("codes from each person's own MFA device only") }
        if let minutes = environment.approvalSignInMinutes { rules.append("approvers signed in at the identity provider within \(minutes) minutes") }
        if environment.restrictedToTeams { rules.append("restricted to teams") }
        return rules
    }
}
