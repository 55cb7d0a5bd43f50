import AirlockAWS
import Fluent
import Foundation

/// The AWS grant a run phase's Terraform works under, in one call: the grant an MFA authentication made for the
/// phase (taken from the run, so used once), or, when the phase needs no MFA and the organization has AWS keys, a
/// grant made now without MFA; none when the organization has no AWS keys. A phase that needs MFA and has no
/// authentication is refused (`MFARefusal.codeRequired`).
struct PhaseSession {
    let grant: PhaseAWSGrant?
    /// What the phase's log says about the session, in order.
    let logLines: [LogLine]

    enum LogLine: Equatable {
        /// A line as Terraform's output shows it (the reference's "Authenticated with MFA by <user>").
        case plain(String)
        /// Airlock's own note.
        case note(String)
    }

    static func take(for run: Run, phase: RunPhase, environment: TerraformEnvironment, keys: AWSAccess.Keys?, mfa: MFAServices,
                     on database: any Database) async throws -> PhaseSession {
        let runID = try run.requireID()
        if let sealed = phase == .plan ? run.planCredentialsSealed : run.applyCredentialsSealed {
            let taken = Run.query(on: database).filter(\.$id == runID)
            if phase == .plan {
                try await taken.set(\.$planCredentialsSealed, to: nil).update()
            } else {
                try await taken.set(\.$applyCredentialsSealed, to: nil).update()
            }
            let grant = try SealedCredentials.unseal(sealed, runID: runID, phase: phase, secrets: mfa.secrets)
            var lines: [LogLine] = []
            if let authenticatedBy = phase == .plan ? run.planAuthenticatedBy : run.applyAuthenticatedBy {
                lines.append(.plain("Authenticated with MFA by \(authenticatedBy)"))
                if let device = try await MFAGate.latest(runID: runID, phase: phase, on: database)?.deviceSerial {
                    lines.append(.note("MFA device: \(device)"))
                }
            }
            return PhaseSession(grant: grant, logLines: lines)
        }
        if run.mfaLevel.requiresMFA(for: phase) {
            throw MFARefusal.codeRequired(serial: keys?.serial, phase: phase)
        }
        guard let keys else { return PhaseSession(grant: nil, logLines: []) }
        let roleARN = environment.roleARN(for: phase, mfaAuthenticated: false)
        let approver = phase == .plan ? run.createdBy
            : try await RunEvent.query(on: database).filter(\.$run.$id == runID).filter(\.$toState == RunState.applyQueued.rawValue)
                .sort(\.$at, .descending).first()?.actor ?? run.createdBy
        let role = roleARN.map {
            PhaseAWSGrant.Role(arn: $0, sessionName: AWSAccess.sessionName(user: approver, runNumber: run.number, phase: phase,
                                                                            planSHA256: phase == .apply ? run.planSHA256 : nil),
                               sourceIdentity: approver)
        }
        do {
            let (grant, _) = try await mfa.aws.grant(keys, tokenCode: nil, role: role, holdSeconds: environment.awsSessionSeconds, queued: false,
                                                   now: Date())
            return PhaseSession(grant: grant, logLines: [.note("AWS session from STS (no MFA)\(roleARN.map { " for role \($0)" } ?? "").")])
        } catch {
            throw AWSAccess.describe(error)
        }
    }
}
