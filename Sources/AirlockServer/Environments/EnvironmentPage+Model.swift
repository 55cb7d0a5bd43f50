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

    /// How long the visitor's own failed plan authentication keeps the lock red.
    static let failureShownFor: TimeInterval = 600
    static let authenticationsShown = 20

    static func load(organization: String, environment name: String, visitor: User, now: Date,
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
        return EnvironmentPage(
            organization: organization, environment: environment.name, mfaLevel: environment.mfaLevel,
            runs: try await Runs.list(of: environment, on: database),
            planLock: planLock,
            authentications: try await MFAAuthentication.query(on: database).filter(\.$environment.$id == environmentID)
                .sort(\.$at, .descending).limit(authenticationsShown).all())
    }
}
