import AirlockAWS
import Fluent
import Foundation
import Vapor

/// Exchanges a user's MFA token code for session credentials for one run phase: the code must be 6 digits
/// (checked before STS is called), it is sent with the person's own device if they registered one (else the
/// organization's shared serial, unless the environment requires personal devices), failed attempts are
/// limited per user and environment, and every attempt is recorded with its device (never the code). The
/// phase's grant (`PhaseAWSGrant`) comes back sealed for the run.
enum MFAGate {
    /// A successful authentication: the sealed grant, the moment its phase must start by, and, without a role (Terraform
    /// then gets the session itself), when that session ends.
    struct Authenticated {
        let sealed: String
        let startBy: Date
        let sessionEnds: Date?
    }

    static let maximumFailures = 5
    static let failureWindow: TimeInterval = 15 * 60

    struct Target {
        let environment: TerraformEnvironment
        let organizationID: UUID
        /// The run (for a plan under "plans and applies", the id it is about to be created with).
        let runID: UUID
        let phase: RunPhase
        let runNumber: Int
        /// For an apply, the SHA-256 of the saved plan the code approves: it goes into the role session's name
        /// and the audit.
        var planSHA256: String? = nil
        /// What the identity provider said of the approver's sign-in, when the environment's step-up rule asked.
        var identityProof: String? = nil
        /// Set for a code that only proves the person (`MFAAuthentication.policyOverride`): no role is assumed, and the
        /// session made is dropped.
        var purpose: String? = nil
    }

    static func authenticate(code: String, user: User, target: Target, services: MFAServices,
                             on database: any Database) async throws -> Authenticated {
        let code = code.trimmingCharacters(in: .whitespaces)
        guard MFACodeRequest.isWellFormed(code) else { throw MFARefusal.malformedCode }
        let environmentID = try target.environment.requireID()
        let now = services.clock.now
        let variables = try await Variables.ofOrganization(target.organizationID, secrets: services.secrets, on: database)
        let keys = AWSAccess.keys(in: variables)
        let serial: String?
        do {
            serial = try await PersonalMFADevices.serial(for: try user.requireID(), environment: target.environment, shared: { keys?.serial },
                                                         on: database)
        } catch let refusal as MFARefusal {
            try await MFAAuthentication(environmentID: environmentID, runID: target.runID, username: user.username, phase: target.phase,
                                        succeeded: false, stsRequestID: nil, error: refusal.message, countsAsFailure: false, at: now).save(on: database)
            throw refusal
        }
        // A person with their own device needs no shared serial.
        let missing = AWSAccess.missingForMFA(variables.map(\.key)).filter { serial == nil || $0 != AWSAccess.serialVariable }
        guard missing.isEmpty, let keys, let serial else {
            let error = MFARefusal.notConfigured(missing: missing.isEmpty ? [AWSAccess.accessKeyVariable] : missing)
            try await MFAAuthentication(environmentID: environmentID, runID: target.runID, username: user.username, phase: target.phase,
                                        succeeded: false, stsRequestID: nil, error: error.message, countsAsFailure: false, at: now).save(on: database)
            throw error
        }
        let attempt = try await reserveAttempt(for: user, target: target, environmentID: environmentID, serial: serial, now: now, on: database)
        let role = target.purpose == nil ? target.environment.roleARN(for: target.phase, mfaAuthenticated: true) : nil
        do {
            let personal = serial == keys.serial ? nil : serial
            let phaseRole = role.map {
                PhaseAWSGrant.Role(arn: $0, sessionName: AWSAccess.sessionName(user: user.username, runNumber: target.runNumber, phase: target.phase,
                                                                                planSHA256: target.planSHA256),
                                   sourceIdentity: AWSAccess.sourceIdentity(user: user.username, personalDevice: personal))
            }
            let (grant, requestID) = try await services.aws.grant(.init(credentials: keys.credentials, serial: serial), tokenCode: code, role: phaseRole,
                                                                  holdSeconds: target.environment.awsSessionSeconds, queued: true,
                                                                  now: Date())  // the machine's clock, which workers read (`RunQueue.mayStart`)
            try await settle(attempt, succeeded: true, requestID: requestID, error: nil, counts: false, on: database)
            return Authenticated(sealed: try SealedCredentials.seal(grant, runID: target.runID, phase: target.phase, secrets: services.secrets),
                                 startBy: grant.startBy, sessionEnds: grant.role == nil ? grant.session.expiration : nil)
        } catch {
            let refusal = AWSAccess.describe(error)
            // A code STS refused is the user's failure; an STS that could not be reached is not.
            let refusedBySTS = error is AWSServiceError
            try await settle(attempt, succeeded: false, requestID: (error as? AWSServiceError)?.requestID, error: refusal.message,
                             counts: refusedBySTS, on: database)
            if refusedBySTS {
                try await Notifications.record(.mfaFailed, environmentID: environmentID, runID: target.runID,
                                               detail: "AWS STS refused \(user.username)'s MFA token code for the \(target.phase.rawValue)"
                                                   + (target.runNumber > 0 ? " of run #\(target.runNumber)" : "") + ": \(refusal.message)",
                                               at: now, on: database)
            }
            throw refusal
        }
    }

    /// Counts the user's failures on the environment and records this attempt as one (until it is settled)
    /// in one transaction that holds the environment's row: parallel attempts queue here, so no more than
    /// `maximumFailures` codes ever reach STS in a window.
    private static func reserveAttempt(for user: User, target: Target, environmentID: UUID, serial: String, now: Date,
                                       on database: any Database) async throws -> MFAAuthentication {
        try await database.transaction { database in
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            let since = now.timeIntervalSince1970 - failureWindow
            let failures = try await MFAAuthentication.query(on: database).filter(\.$environment.$id == environmentID)
                .filter(\.$username == user.username).filter(\.$succeeded == false).filter(\.$at >= since)
                .group(.or) { $0.filter(\.$countsAsFailure == true).filter(\.$countsAsFailure == nil) }
                .all()
            if failures.count >= maximumFailures {
                let oldest = failures.map(\.at).min() ?? since
                throw MFARefusal.tooManyFailures(minutes: max(1, Int((oldest + failureWindow - now.timeIntervalSince1970) / 60) + 1))
            }
            let attempt = MFAAuthentication(environmentID: environmentID, runID: target.runID, username: user.username, phase: target.phase,
                                            succeeded: false, stsRequestID: nil, error: "Waiting for AWS STS.", countsAsFailure: true,
                                            deviceSerial: serial, planSHA256: target.planSHA256, at: now)
            attempt.identityProof = target.identityProof
            attempt.purpose = target.purpose
            try await attempt.save(on: database)
            return attempt
        }
    }

    /// Records how an attempt ended.
    private static func settle(_ attempt: MFAAuthentication, succeeded: Bool, requestID: String?, error: String?, counts: Bool,
                               on database: any Database) async throws {
        attempt.succeeded = succeeded
        attempt.stsRequestID = requestID
        attempt.error = error
        attempt.countsAsFailure = counts
        try await attempt.save(on: database)
    }

    /// The newest attempt on a run's phase: the lock icon's state.
    static func latest(runID: UUID, phase: RunPhase, on database: any Database) async throws -> MFAAuthentication? {
        try await MFAAuthentication.query(on: database).filter(\.$runID == runID).filter(\.$phase == phase).filter(\.$purpose == nil)
            .sort(\.$at, .descending).first()
    }
}
