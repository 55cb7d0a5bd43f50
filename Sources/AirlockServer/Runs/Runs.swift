import Fluent
import Foundation
import SQLKit

/// Run operations, independent of HTTP: those who may plan in the environment queue, discard and cancel plans,
/// those who may approve confirm and stop applies (`Authorizer`: every member, or in an environment restricted to
/// teams its teams); nobody else sees the run (404).
enum Runs {
    /// A run with where it belongs, as the API and pages show it.
    struct Located: Sendable {
        let run: Run
        let organization: String
        let environment: String
    }

    /// Queues a plan of `configurationVersionID` (default: the newest upload) behind the environment's
    /// earlier runs.
    /// Under "plans and applies" the plan needs `tokenCode`: it is exchanged with STS first, and nothing is
    /// queued if that fails. Without one the plan is refused, or, with `waitForPlanCode` (Terraform's CLI, which
    /// cannot ask for a code), queued to wait for someone to authenticate it (`authenticatePlan`).
    static func queuePlan(_ request: PlanRequest, actor: User, mfa: MFAServices, on database: any Database) async throws -> Run {
        let (tokenCode, waitForPlanCode, planOnly) = (request.tokenCode, request.waitForPlanCode, request.planOnly)
        let message = request.message ?? "Queued by \(actor.username)"
        guard message.count <= 500 else { throw RunRefusal.messageTooLong }
        let environment = try await Environments.find(request.environment, in: request.organization, actorID: try actor.requireID(), for: .plan,
                                                      on: database)
        let environmentID = try environment.requireID()
        let runID = UUID()
        var authenticated: MFAGate.Authenticated?
        if environment.mfaLevel.requiresMFA(for: .plan), tokenCode != nil || !waitForPlanCode {
            guard let tokenCode else { throw MFARefusal.codeRequired(serial: try await serial(of: environment, for: try actor.requireID(), secrets: mfa.secrets, on: database), phase: .plan) }
            authenticated = try await MFAGate.authenticate(
                code: tokenCode, user: actor,
                target: .init(environment: environment, organizationID: environment.$organization.id, runID: runID, phase: .plan, runNumber: 0),
                services: mfa, on: database)
        }
        let planCredentials = authenticated
        return try await database.transaction { database in
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            let version: ConfigurationVersion?
            if let configurationVersionID = request.configurationVersionID {
                version = try await ConfigurationVersion.query(on: database).filter(\.$id == configurationVersionID)
                    .filter(\.$environment.$id == environmentID).field(\.$id).first()
                guard version != nil else { throw RunRefusal.configurationVersionNotFound(configurationVersionID.uuidString) }
            } else {
                version = try await ConfigurationVersion.query(on: database).filter(\.$environment.$id == environmentID)
                    .sort(\.$uploadedAt, .descending).field(\.$id).first()
            }
            guard let versionID = version?.id else { throw RunRefusal.noConfiguration }
            let last = try await Run.query(on: database).filter(\.$environment.$id == environmentID).max(\.$number) ?? 0
            let run = Run(id: runID, environmentID: environmentID, number: last + 1, configurationVersionID: versionID, message: message,
                          createdBy: actor.username, mfaLevel: environment.mfaLevel)
            run.planOnly = planOnly
            run.autoApply = request.autoApply && !planOnly
            run.isDestroy = request.destroy
            if let planCredentials {
                run.planCredentialsSealed = planCredentials.sealed
                run.planStartBy = planCredentials.startBy.timeIntervalSince1970
                run.planAuthenticatedBy = actor.username
            }
            try await run.save(on: database)
            let queued = planOnly ? "Speculative plan queued (never applied)" : "Plan queued"
            let note = if planCredentials != nil {
                "Authenticated with MFA by \(actor.username); \(queued.lowercased())"
            } else if run.waitsForPlanCode {
                "\(queued); waiting for an AWS MFA token code for the plan"
            } else {
                queued
            }
            try await RunEvent(runID: runID, from: nil, to: .pending, actor: actor.username, note: note).save(on: database)
            if run.waitsForPlanCode {
                try await Notifications.record(.runWaiting, environmentID: environmentID, runID: runID,
                                               detail: "Run #\(run.number) waits for an MFA token code for its plan.", at: mfa.clock.now, on: database)
            }
            return run
        }
    }

    /// The environment's runs, newest first: `limit` of them after the first `offset`.
    static func list(in organization: String, _ environmentName: String, actorID: UUID, offset: Int = 0, limit: Int = 200,
                     on database: any Database) async throws -> [Run] {
        let environment = try await Environments.find(environmentName, in: organization, actorID: actorID, on: database)
        return try await list(of: environment, offset: offset, limit: limit, on: database)
    }

    /// `list(in:_:actorID:)` for a caller that has just authorized the person to read `environment` (its page, the
    /// TFE workspace's runs), without asking again.
    static func list(of environment: TerraformEnvironment, offset: Int = 0, limit: Int = 200, on database: any Database) async throws -> [Run] {
        try await listed(Run.query(on: database).filter(\.$environment.$id == environment.requireID()).sort(\.$number, .descending))
            .offset(offset).limit(limit).all()
    }

    /// A query of runs for a list, reading only what lists show and what their states are read from (`waitsForCode`, the
    /// approvals needed, the plan approved), not a run's sealed plan, credentials or summary.
    static func listed(_ query: QueryBuilder<Run>) -> QueryBuilder<Run> {
        query.field(\.$id).field(\.$environment.$id).field(\.$number).field(\.$configurationVersion.$id).field(\.$message)
            .field(\.$state).field(\.$createdBy).field(\.$queuedAt).field(\.$hasChanges).field(\.$errorMessage).field(\.$cancelRequested)
            .field(\.$storedMFALevel).field(\.$planAuthenticatedBy).field(\.$applyAuthenticatedBy).field(\.$autoApply).field(\.$planOnly)
            .field(\.$isDestroy).field(\.$policyCheckJSON).field(\.$planStartBy).field(\.$applyStartBy).field(\.$policyRequiredApprovals)
            .field(\.$planSHA256)
    }

    /// A run the actor may do `action` to, or 404.
    static func find(_ runID: UUID, actorID: UUID, for action: Action = .read, on database: any Database) async throws -> Located {
        try await Authorizer.authorize(actorID, action, run: runID, on: database).1
    }

    /// The run with its organization's and environment's names, whoever asks (the engine; `find` for people).
    /// One statement: the run joined with its environment and organization (every run read starts here).
    static func locate(_ runID: UUID, on database: any Database) async throws -> (Located, organizationID: UUID)? {
        guard let run = try await Run.query(on: database).filter(\.$id == runID)
            .join(TerraformEnvironment.self, on: \Run.$environment.$id == \TerraformEnvironment.$id)
            .join(Organization.self, on: \TerraformEnvironment.$organization.$id == \Organization.$id)
            .first() else { return nil }
        let environment = try run.joined(TerraformEnvironment.self)
        let organization = try run.joined(Organization.self)
        return (Located(run: run, organization: organization.name, environment: environment.name), try organization.requireID())
    }

    /// The run with its environment, organization and `userID`'s role there, in one statement; nil when the run does not
    /// exist or the person is not a member of its organization (`Authorizer` decides the rest).
    static func locate(_ runID: UUID, member userID: UUID, on database: any Database)
        async throws -> (located: Located, environment: TerraformEnvironment, organizationID: UUID, role: Membership.Role)? {
        guard let run = try await Run.query(on: database).filter(\.$id == runID)
            .join(TerraformEnvironment.self, on: \Run.$environment.$id == \TerraformEnvironment.$id)
            .join(Organization.self, on: \TerraformEnvironment.$organization.$id == \Organization.$id)
            .join(Membership.self, on: \Membership.$organization.$id == \Organization.$id)
            .filter(Membership.self, \.$user.$id == userID)
            .first() else { return nil }
        let environment = try run.joined(TerraformEnvironment.self)
        let organization = try run.joined(Organization.self)
        let membership = try run.joined(Membership.self)
        return (Located(run: run, organization: organization.name, environment: environment.name), environment,
                try organization.requireID(), membership.role)
    }

    /// A run the actor may see that belongs to the named environment (a page's URL), or 404.
    static func find(_ runID: UUID, in organization: String, _ environment: String, actorID: UUID,
                     on database: any Database) async throws -> Located {
        let located = try await find(runID, actorID: actorID, on: database)
        guard located.organization == organization, located.environment == environment else { throw RunRefusal.notFound }
        return located
    }

    static func events(of runID: UUID, on database: any Database) async throws -> [RunEvent] {
        try await RunEvent.query(on: database).filter(\.$run.$id == runID).sort(\.$at).all()
    }

    /// "Confirm & Apply": one person's approval of a planned run. When the run's MFA level, or the environment's
    /// current one (the stricter wins: raising the setting covers runs planned before), covers applies, `tokenCode`
    /// is exchanged with STS first ("Authenticate"); if that fails the run stays planned. The environment's
    /// four-eyes rules hold: the person who queued the run may be refused, and the apply is queued (planned →
    /// apply_queued) only with the last of the distinct approvals required; before that the run stays planned.
    /// An environment with a step-up rule also wants `proof` of a recent sign-in at the identity provider
    /// (`ApprovalStepUp`), checked before the code is sent to STS; the audit names both.
    static func confirm(_ runID: UUID, actor: User, tokenCode: String? = nil, seenPlan: String? = nil, proof: SignInProof? = nil,
                        mfa: MFAServices, on database: any Database) async throws -> Located {
        let located = try await find(runID, actorID: try actor.requireID(), for: .approve, on: database)
        let run = located.run
        guard run.state == .planned else { throw RunRefusal.invalidTransition(action: "confirmed", state: run.state) }
        if let seenPlan, seenPlan.lowercased() != run.planSHA256 { throw RunRefusal.planMismatch(seen: seenPlan, saved: run.planSHA256) }
        guard let environment = try await TerraformEnvironment.find(run.$environment.id, on: database) else { throw RunRefusal.notFound }
        try refuseFourEyes(actor.username, of: run, in: environment)
        let required = environment.requiredApprovals(for: run)
        let earlier = try await RunApproval.query(on: database).filter(\.$run.$id == runID).all()
        if earlier.contains(where: { $0.username == actor.username }) {
            throw RunRefusal.alreadyApproved(approvals: try await counting(earlier, in: environment, on: database).count, required: required)
        }
        var changes = RunChanges()
        // What the run's history says: the apply confirmed with the last approval, or one approval before it.
        var (confirmedNote, approvedNote) = ("Apply confirmed", "Approved")
        var applyAuthentication: MFAGate.Authenticated?
        // Before anything asks for a code or sends one to STS: a client that cannot prove a sign-in learns so first.
        try ApprovalStepUp.check(environment, proof: proof, now: mfa.clock.now)
        let level = MFALevel.stricter(run.mfaLevel, environment.mfaLevel)
        if level != run.mfaLevel { changes = changes.set(\.$storedMFALevel, to: level) }
        if level.requiresMFA(for: .apply) {
            guard let tokenCode else {
                throw MFARefusal.codeRequired(serial: try await serial(of: environment, for: try actor.requireID(), secrets: mfa.secrets, on: database),
                                              phase: .apply)
            }
            let authenticated = try await MFAGate.authenticate(
                code: tokenCode, user: actor,
                target: .init(environment: environment, organizationID: environment.$organization.id, runID: runID, phase: .apply,
                              runNumber: run.number, planSHA256: run.planSHA256,
                              identityProof: environment.approvalSignInMinutes == nil ? nil : proof?.describe(at: mfa.clock.now)),
                services: mfa, on: database)
            changes = changes.set(\.$applyCredentialsSealed, to: authenticated.sealed).set(\.$applyAuthenticatedBy, to: actor.username)
                .set(\.$applyStartBy, to: authenticated.startBy.timeIntervalSince1970)
            applyAuthentication = authenticated
            (confirmedNote, approvedNote) = ("Authenticated with MFA by \(actor.username); apply confirmed",
                                             "Authenticated with MFA by \(actor.username); approved")
        }
        if environment.approvalSignInMinutes != nil, let proof {
            confirmedNote += "; \(proof.describe(at: mfa.clock.now))"
            approvedNote += "; \(proof.describe(at: mfa.clock.now))"
        }
        let (approvedAt, finalChanges, notes, planSHA256) = (mfa.clock.now, changes, (confirmed: confirmedNote, approved: approvedNote), run.planSHA256)
        let count = try await database.transaction { database -> Int in
            // Approvals of one run are counted one at a time: two last approvals cannot both miss the count.
            try await RowLock.lock(Run.schema, id: runID, on: database)
            let state = try await currentState(runID, on: database)
            guard state == .planned else { throw RunRefusal.invalidTransition(action: "confirmed", state: state) }
            // Still one who may approve: an owner may have taken the access away while the code went to STS.
            _ = try await Authorizer.authorize(try actor.requireID(), .approve, run: runID, on: database)
            let approvals = try await RunApproval.query(on: database).filter(\.$run.$id == runID).all()
            let counted = try await counting(approvals, in: environment, on: database)
            if approvals.contains(where: { $0.username == actor.username }) {
                throw RunRefusal.alreadyApproved(approvals: counted.count, required: required)
            }
            try await RunApproval(runID: runID, username: actor.username, planSHA256: planSHA256, at: approvedAt).save(on: database)
            let count = counted.count + 1
            let tally = (required > 1 ? " (approval \(count) of \(required))" : "") + (planSHA256.map { "; plan sha256 \($0.prefix(12))" } ?? "")
            guard count >= required else {
                try await RunEvent(runID: runID, from: .planned, to: .planned, actor: actor.username, note: notes.approved + tally).save(on: database)
                return count
            }
            guard try await RunTransition.move(runID, from: [.planned], to: .applyQueued, actor: actor.username, note: notes.confirmed + tally,
                                               changes: finalChanges, on: database) else {
                throw RunRefusal.invalidTransition(action: "confirmed", state: try await currentState(runID, on: database))
            }
            return count
        }
        if count < required {
            // The apply's log (which Terraform may be streaming) counts the approvals.
            let log = try await RunLogWriter(runID: runID, phase: .apply, secrets: [], maximumBytes: RunEngineSettings.defaultLogLimitBytes,
                                             database: database)
            await log.note("\(actor.username) approved the apply (\(count) of \(required) approvals); it starts with the last.")
            try await log.flush()
        } else if let applyAuthentication {
            try await noteStartBy(applyAuthentication, runID: runID, phase: .apply, holdHours: environment.awsSessionHours, by: actor.username, on: database)
        }
        await RunLogBell.shared.ring(runID)
        return try await find(runID, actorID: try actor.requireID(), on: database)
    }

    /// The four-eyes rule: where the environment has it, the person who queued a run may not approve its apply.
    static func refuseFourEyes(_ username: String, of run: Run, in environment: TerraformEnvironment) throws(RunRefusal) {
        if environment.approverMustDiffer, username == run.createdBy { throw .queuerCannotApprove(queuer: run.createdBy) }
    }

    /// Who approved the run's apply so far, in order: the approvals that count (`counting`).
    static func approvals(of runID: UUID, on database: any Database) async throws -> [RunApproval] {
        let approvals = try await RunApproval.query(on: database).filter(\.$run.$id == runID).sort(\.$at).all()
        guard !approvals.isEmpty, let run = try await Run.find(runID, on: database),
              let environment = try await TerraformEnvironment.find(run.$environment.id, on: database) else { return [] }
        return try await counting(approvals, in: environment, on: database)
    }

    /// The approvals that count towards the environment's four-eyes and N-approvals rules: those of people who may
    /// approve applies there now (an approver whose team lost the access, or who left, no longer counts).
    private static func counting(_ approvals: [RunApproval], in environment: TerraformEnvironment,
                                 on database: any Database) async throws -> [RunApproval] {
        guard !approvals.isEmpty else { return [] }
        let approvers = try await Authorizer.approvers(among: approvals.map(\.username), environmentID: try environment.requireID(),
                                                       organizationID: environment.$organization.id, on: database)
        return approvals.filter { approvers.contains($0.username) }
    }

    /// "Authenticate" a phase that waits for its MFA token code (`Run.waitsForCode`): a plan queued by Terraform's
    /// CLI without one, or a plan or an apply whose code's grant ran out in the queue. The code is exchanged with
    /// STS, and the phase starts once the runs ahead of it are over; if STS refuses it, the run keeps waiting. An
    /// apply's code follows the approval rules: under four eyes, not from the person who queued the run.
    /// An apply's code is an approval: the environment's step-up rule holds for it (`proof`).
    static func authenticate(_ runID: UUID, phase: RunPhase, actor: User, tokenCode: String?, proof: SignInProof? = nil, mfa: MFAServices,
                             on database: any Database) async throws -> Located {
        let run = try await find(runID, actorID: try actor.requireID(), for: phase == .plan ? .plan : .approve, on: database).run
        // On the machine's clock, as workers read the same rule (`RunQueue.mayStart`).
        guard run.waitsForCode(phase) else { throw RunRefusal.notWaitingForCode(phase: phase, state: run.state) }
        guard let environment = try await TerraformEnvironment.find(run.$environment.id, on: database) else { throw RunRefusal.notFound }
        if phase == .apply { try refuseFourEyes(actor.username, of: run, in: environment) }
        let stepUp = phase == .apply && environment.approvalSignInMinutes != nil
        if phase == .apply { try ApprovalStepUp.check(environment, proof: proof, now: mfa.clock.now) }
        guard let tokenCode else {
            throw MFARefusal.codeRequired(serial: try await serial(of: environment, for: try actor.requireID(), secrets: mfa.secrets, on: database), phase: phase)
        }
        let authenticated = try await MFAGate.authenticate(
            code: tokenCode, user: actor,
            target: .init(environment: environment, organizationID: environment.$organization.id, runID: runID, phase: phase, runNumber: run.number,
                          planSHA256: phase == .apply ? run.planSHA256 : nil,
                          identityProof: stepUp ? proof?.describe(at: mfa.clock.now) : nil),
            services: mfa, on: database)
        let (sealedColumn, byColumn, startByColumn) = phase == .plan
            ? (Run.column(\.$planCredentialsSealed), Run.column(\.$planAuthenticatedBy), Run.column(\.$planStartBy))
            : (Run.column(\.$applyCredentialsSealed), Run.column(\.$applyAuthenticatedBy), Run.column(\.$applyStartBy))
        let waiting: RunState = phase == .plan ? .pending : .applyQueued
        // Only if it still waits: a cancel, or another member's code, may have come first.
        let now = Date().timeIntervalSince1970
        let said = stepUp ? proof.map { "; \($0.describe(at: mfa.clock.now))" } ?? "" : ""
        let authenticatedNow = try await database.transaction { database in
            let rows = try await database.sql.update(Run.schema)
                .set(sealedColumn, to: SQLBind(authenticated.sealed)).set(byColumn, to: SQLBind(actor.username))
                .set(startByColumn, to: SQLBind(authenticated.startBy.timeIntervalSince1970))
                .where(Run.column(\.$id), .equal, SQLBind(runID)).where(Run.column(\.$state), .equal, SQLBind(waiting.rawValue))
                .where(SQLGroupExpression(SQLBinaryExpression(SQLFunction("COALESCE", args: startByColumn, SQLLiteral.numeric("0")),
                                                             .lessThanOrEqual, SQLBind(now))))
                .returning(Run.column(\.$id)).all()
            guard !rows.isEmpty else { return false }
            // Still one who may do it: an owner may have taken the access away while the code went to STS. Read after the
            // write above, so that on SQLite the transaction writes first (a reader cannot wait to become a writer).
            _ = try await Authorizer.authorize(try actor.requireID(), phase == .plan ? .plan : .approve, run: runID, on: database)
            try await RunEvent(runID: runID, from: waiting, to: waiting, actor: actor.username,
                               note: "Authenticated with MFA by \(actor.username)\(said); the \(phase.rawValue) may start").save(on: database)
            return true
        }
        guard authenticatedNow else {
            throw RunRefusal.notWaitingForCode(phase: phase, state: try await currentState(runID, on: database))
        }
        try await noteStartBy(authenticated, runID: runID, phase: phase, holdHours: environment.awsSessionHours, by: actor.username, on: database)
        await RunLogBell.shared.ring(runID)
        return try await find(runID, actorID: try actor.requireID(), on: database)
    }

    /// Says in the phase's log how long its code's grant lets it wait, and how long its credentials then hold.
    private static func noteStartBy(_ authenticated: MFAGate.Authenticated, runID: UUID, phase: RunPhase, holdHours: Int, by user: String,
                                    on database: any Database) async throws {
        let log = try await RunLogWriter(runID: runID, phase: phase, secrets: [], maximumBytes: RunEngineSettings.defaultLogLimitBytes,
                                         database: database)
        let holding = authenticated.sessionEnds.map { "they hold until \($0.iso8601) (without a role Terraform gets the MFA session itself, "
            + "which lasts the environment's limit from the code)" }
            ?? "they then hold for \(holdHours) hour\(holdHours == 1 ? "" : "s") from its start"
        await log.note("AWS credentials from \(user)'s code: the \(phase.rawValue) must start by \(authenticated.startBy.iso8601); "
            + "\(holding). A \(phase.rawValue) still queued then waits for a new code.")
        try await log.flush()
    }

    /// "Discard": planned → discarded, which frees the environment for the next run.
    static func discard(_ runID: UUID, actor: User, on database: any Database) async throws -> Located {
        _ = try await find(runID, actorID: try actor.requireID(), for: .plan, on: database)
        guard try await RunTransition.move(runID, from: [.planned, .policyOverride], to: .discarded, actor: actor.username, note: "Plan discarded",
                                           on: database) else {
            throw RunRefusal.invalidTransition(action: "discarded", state: try await currentState(runID, on: database))
        }
        return try await find(runID, actorID: try actor.requireID(), on: database)
    }

    /// "Cancel": a waiting run is canceled at once; a running one is interrupted by its worker, which then
    /// records it canceled. Stopping an apply, queued or running, is for those who may approve one.
    static func cancel(_ runID: UUID, actor: User, on database: any Database) async throws -> Located {
        _ = try await find(runID, actorID: try actor.requireID(), for: .plan, on: database)
        let stopsApplies: Bool
        do {
            _ = try await find(runID, actorID: try actor.requireID(), for: .approve, on: database)
            stopsApplies = true
        } catch EnvironmentRefusal.teamAccessTooLow {
            stopsApplies = false
        }
        let (waiting, executing): ([RunState], [RunState]) = stopsApplies ? ([.pending, .applyQueued], RunState.executing) : ([.pending], [.planning])
        // Credentials sealed for an apply that will not run are deleted with the cancel.
        if try await RunTransition.move(runID, from: waiting, to: .canceled, actor: actor.username,
                                        note: "Canceled before it started",
                                        changes: RunChanges().set(\.$leaseOwner, to: nil).set(\.$applyCredentialsSealed, to: nil)
                                            .set(\.$planCredentialsSealed, to: nil), on: database) {
            return try await find(runID, actorID: try actor.requireID(), on: database)
        }
        let state = try await currentState(runID, on: database)
        guard executing.contains(state) else {
            if !stopsApplies, [.applyQueued, .applying].contains(state) {
                _ = try await find(runID, actorID: try actor.requireID(), for: .approve, on: database)
            }
            throw RunRefusal.invalidTransition(action: "canceled", state: state)
        }
        // Only while still in a state the actor may stop; said in the history only if it was.
        let requested = try await database.sql.update(Run.schema).set(Run.column(\.$cancelRequested), to: SQLBind(true))
            .where(Run.column(\.$id), .equal, SQLBind(runID)).where(Run.column(\.$state), .in, SQLBind.group(executing.map(\.rawValue)))
            .returning(Run.column(\.$id)).all()
        guard !requested.isEmpty else { throw RunRefusal.invalidTransition(action: "canceled", state: try await currentState(runID, on: database)) }
        try await RunEvent(runID: runID, from: state, to: state, actor: actor.username, note: "Cancel requested").save(on: database)
        return try await find(runID, actorID: try actor.requireID(), on: database)
    }

    static func currentState(_ runID: UUID, on database: any Database) async throws -> RunState {
        guard let run = try await Run.query(on: database).filter(\.$id == runID).field(\.$id).field(\.$state).first() else {
            throw RunRefusal.notFound
        }
        return run.state
    }

    /// The MFA serial `userID`'s code goes with (shown in prompts; not a secret): their own device, else the one
    /// the organization's variables name; nil where the environment requires a personal device they lack.
    static func serial(of environment: TerraformEnvironment, for userID: UUID, secrets: SecretBox, on database: any Database) async throws -> String? {
        do {
            return try await PersonalMFADevices.serial(for: userID, environment: environment, shared: {
                try await Variables.ofOrganization(AWSAccess.serialVariable, in: environment.$organization.id, secrets: secrets, on: database)
            }, on: database)
        } catch is MFARefusal {
            return nil
        }
    }

    /// `serial(of:for:)` of each of a list's environments (of one organization), read in one statement.
    static func serials(of environments: [TerraformEnvironment], for userID: UUID, secrets: SecretBox,
                        on database: any Database) async throws -> [String?] {
        guard let organizationID = environments.first?.$organization.id else { return [] }
        let sources = try await SerialSources.read(for: userID, in: organizationID, secrets: secrets, on: database)
        return environments.map { environment in
            switch PersonalMFADevices.source(own: sources.own, environment: environment) {
            case let .own(serial): serial
            case .shared: sources.shared
            case .personalDeviceRequired: nil
            }
        }
    }
}
