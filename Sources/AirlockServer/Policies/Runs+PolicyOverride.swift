import Fluent
import Foundation

extension Runs {
    /// The most characters an override's reason keeps.
    static let overrideReasonLength = 1000

    /// An owner's override of a run's failed soft-mandatory policies: their MFA code, checked with AWS STS as an
    /// approval's is (their own device, else the organization's shared one; the session it makes is dropped), and a
    /// reason; both stay in the run's check, history and MFA audit. The environment's rules for approvers hold for it:
    /// under four eyes not from the person who queued the run, and a step-up rule wants `proof` of a recent sign-in.
    /// The run then waits for Confirm & Apply like any planned run, with the approvals its environment and its
    /// policies ask for.
    static func overridePolicy(_ runID: UUID, actor: User, tokenCode: String?, reason: String, proof: SignInProof? = nil, mfa: MFAServices,
                               on database: any Database) async throws -> Located {
        let actorID = try actor.requireID()
        let located = try await find(runID, actorID: actorID, on: database)
        _ = try await Authorizer.authorize(actorID, .administer, organization: located.organization, on: database)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw PolicyRefusal.reasonRequired }
        guard reason.count <= overrideReasonLength, !reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PolicyRefusal.invalidReason
        }
        guard located.run.state == .policyOverride else { throw PolicyRefusal.nothingToOverride(located.run.state) }
        guard let environment = try await TerraformEnvironment.find(located.run.$environment.id, on: database) else { throw RunRefusal.notFound }
        try refuseFourEyes(actor.username, of: located.run, in: environment)
        try ApprovalStepUp.check(environment, proof: proof, now: mfa.clock.now)
        let serial = try await serial(of: environment, for: actorID, secrets: mfa.secrets, on: database)
        guard let tokenCode else { throw MFARefusal.codeRequired(serial: serial, phase: .apply) }
        _ = try await MFAGate.authenticate(
            code: tokenCode, user: actor,
            target: .init(environment: environment, organizationID: environment.$organization.id, runID: runID, phase: .apply,
                          runNumber: located.run.number, planSHA256: located.run.planSHA256,
                          identityProof: environment.approvalSignInMinutes == nil ? nil : proof?.describe(at: mfa.clock.now),
                          purpose: MFAAuthentication.policyOverride),
            services: mfa, on: database)
        let now = mfa.clock.now
        try await database.transaction { database in
            try await RowLock.lock(Run.schema, id: runID, on: database)
            // Still an owner, and still waiting: another owner may have overridden or discarded it meanwhile.
            _ = try await Authorizer.authorize(actorID, .administer, organization: located.organization, on: database)
            guard let run = try await Run.find(runID, on: database), run.state == .policyOverride, var check = run.policyCheck else {
                throw PolicyRefusal.nothingToOverride(try await currentState(runID, on: database))
            }
            check.override = .init(by: actor.username, at: now.timeIntervalSince1970, reason: reason, deviceSerial: serial)
            let json = String(decoding: try JSONEncoder().encode(check), as: UTF8.self)
            guard try await RunTransition.move(runID, from: [.policyOverride], to: .planned, actor: actor.username,
                                               note: "Authenticated with MFA by \(actor.username); soft-mandatory policy failure overridden: \(reason)",
                                               changes: RunChanges().set(\.$policyCheckJSON, to: json), on: database) else {
                throw PolicyRefusal.nothingToOverride(try await currentState(runID, on: database))
            }
        }
        return try await find(runID, actorID: actorID, on: database)
    }
}
