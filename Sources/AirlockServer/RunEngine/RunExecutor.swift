import AirlockAWS
import Crypto
import Fluent
import Foundation
import SQLKit
#if canImport(Glibc)
import Glibc
#endif

/// Executes a claimed run phase with the real Terraform: `init` then `plan -out`; then `apply` of exactly the
/// saved plan (checked by hash) on the state the plan was made on. Each phase starts from a fresh folder (the
/// configuration unpacked again from its checked archive, a fresh `HOME`, and what an earlier `init` of the same
/// configuration left, read-only: `InitializedFolderCache`), so nothing the plan's code wrote reaches the apply but
/// the sealed plan. Terraform's environment holds the run's variables, its
/// session credentials and only `RunEngineSettings.passedThrough` of the server's: `TerraformPhaseEnvironment` (docs/run-isolation.md).
struct RunExecutor: Sendable {
    let settings: RunEngineSettings
    let queue: RunQueue
    /// Whether the server is stopping: Terraform is then interrupted like a cancel interrupts it.
    let shutdown: ShutdownRequest
    /// STS, the secret box and the clock, as the MFA gate uses them (for runs confirmed on approval).
    let mfa: MFAServices
    /// This server's address as Terraform reaches it, e.g. `http://127.0.0.1:8080`.
    let serverURL: String
    /// Where people reach this server's pages.
    let pagesAddress: String
    /// The server's own routes, which answer a run's state backend inside its network.
    let stateResponder: RunStateGateway.Responder

    var secrets: SecretBox { mfa.secrets }
    var aws: AWSAccess { mfa.aws }

    var database: any Database { queue.database }

    /// Runs the phase to a final or waiting state; never throws (failures make the run errored).
    func execute(_ claim: RunQueue.Claim) async {
        // The claim's lease is renewed from the start, not only while Terraform runs: preparing the phase
        // (STS, the working folder) must not let it expire on a busy machine.
        let queue = self.queue
        let interval = max(0.5, settings.leaseDuration / 4)
        let keepAlive = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                if Task.isCancelled { break }
                _ = try? await queue.renew(claim.runID)
            }
        }
        defer { keepAlive.cancel() }
        do {
            try await executePhase(claim)
        } catch {
            // The error's text may quote anything the phase handled: it is masked like Terraform's output.
            let masked = (try? await maskedValues(of: claim)) ?? []
            let log = try? await RunLogWriter(runID: claim.runID, phase: claim.phase, secrets: masked, maximumBytes: settings.logLimitBytes,
                                              database: database)
            await fail(claim, reason: "Airlock could not run the \(claim.phase.rawValue): \(error)", log: log)
        }
    }

    private func executePhase(_ claim: RunQueue.Claim) async throws {
        guard let run = try await Run.find(claim.runID, on: database),
              let environment = try await TerraformEnvironment.query(on: database).filter(\.$id == run.$environment.id)
                .with(\.$organization).first(),
              let version = try await ConfigurationVersion.find(run.$configurationVersion.id, on: database) else {
            throw RunEngineError.runVanished
        }
        let environmentID = try environment.requireID()
        let variables = try await Variables.forRun(of: environment, secrets: secrets, on: database)
        let token = stateToken(of: claim)
        let keys = AWSAccess.keys(in: variables)
        let log = try await RunLogWriter(runID: claim.runID, phase: claim.phase, secrets: Self.masked(variables, token: token),
                                         maximumBytes: settings.logLimitBytes, database: database)
        if case .unsandboxed = settings.sandbox { await log.note(RunSandbox.unsandboxedWarning) }
        if settings.network == nil { await log.note(RunNetworkPolicy.sharedWarning) }
        await log.time("queue wait", try await queueWait(of: run, phase: claim.phase))
        run.backendTokenHash = APIToken.hash(token)
        try await run.save(on: database)
        let grant: PhaseAWSGrant?
        do {
            let asked = ContinuousClock.now
            let phaseSession = try await PhaseSession.take(for: run, phase: claim.phase, environment: environment, keys: keys, mfa: mfa, on: database)
            grant = phaseSession.grant
            if let grant { await log.masking([grant.session.accessKeyID, grant.session.secretAccessKey, grant.session.sessionToken ?? ""]) }
            for line in phaseSession.logLines {
                switch line {
                case let .plain(text): await log.line(text)
                case let .note(text): await log.note(text)
                }
            }
            if grant != nil { await log.time("AWS session", ContinuousClock.now - asked) }
        } catch let refusal as MFARefusal {
            await log.note(refusal.message)
            try await finishRun(claim, to: .errored, note: refusal.message, changes: .error(refusal.message), log: log)
            return
        }
        // The phase's AWS credentials, served to its SDKs and renewed until the environment's limit from now.
        let credentialsUntil = grant.map { min(Date().addingTimeInterval(Double($0.holdSeconds)), $0.session.expiration ?? .distantFuture) }
        let credentialsReport = LimitedReport({ line in Task { await log.note(line) } }, limit: RunNetwork.reportLimit,
                                              ending: "AWS: further lines of this phase's credentials server are not written.").write
        let credentials = grant.flatMap { grant in credentialsUntil.map { until in
            RunCredentialServer(grant: grant, aws: aws, until: until, report: credentialsReport,
                                renewed: { session in await log.masking([session.accessKeyID, session.secretAccessKey, session.sessionToken ?? ""]) })
        } }
        defer { credentials?.stop() }
        if let credentials, let credentialsUntil {
            do {
                let first = try await credentials.prime()
                await log.masking([credentials.token])
                try await recordCredentialsUntil(credentialsUntil, of: claim)
                await log.note(Self.credentialsNote(grant: grant, until: credentialsUntil, firstSession: first.credentials))
            } catch let refusal as RunCredentialRefusal {
                await log.note(refusal.message)
                try await finishRun(claim, to: .errored, note: refusal.message, changes: .error(refusal.message), log: log)
                return
            }
        }

        if claim.phase == .apply {
            do {
                try await StateVersions.requireUnchanged(since: run.baseStateSerial, of: environmentID, on: database)
            } catch let refusal as StateRefusal {
                await log.note(refusal.message)
                try await finishRun(claim, to: .errored, note: refusal.message, changes: .error(refusal.message), log: log)
                return
            }
        }

        // Every phase starts from the archive people uploaded (and approvers reviewed), never from what an
        // earlier phase left: the archive is checked against its recorded hash before it is unpacked.
        guard Hex.encode(SHA256.hash(data: version.archive)) == version.sha256 else {
            let reason = "The configuration's archive does not match its recorded hash (sha256 \(version.sha256.prefix(12))); it was not run."
            await log.note(reason)
            try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
            return
        }
        // The phase's own network, when runs have one: its state backend answers this environment's state only.
        let statePath = "/state/\(environment.organization.name)/\(environment.name)"
        let network = try settings.network.map { policy in
            try RunNetwork(policy: policy, statePath: statePath, token: token, readOnly: claim.phase == .plan, responder: stateResponder,
                           credentials: credentials) { line in Task { await log.note(line) } }
        }
        defer { network?.stop() }
        // Without a run network the credentials server listens on the server's loopback, for this phase's token only.
        var credentialsPort = RunCredentialServer.runNetworkPort
        if let credentials, network == nil {
            let listener = try BlockingSocket.listen(on: .loopback, port: 0)
            guard let port = BlockingSocket.port(of: listener) else {
                close(listener)
                throw RunNetworkError.socket("getsockname", errno)
            }
            credentialsPort = port
            credentials.start(listening: listener)
        }
        let backendAddress = network == nil ? serverURL + statePath : RunNetwork.stateAddress(statePath)
        var workspace = try RunWorkspace.prepare(root: settings.workRoot, runID: claim.runID, phase: claim.phase, archive: version.archive,
                                                 backendAddress: backendAddress)
        defer { workspace.remove() }
        let group = try settings.controlGroups?.make("airlock-\(claim.runID.uuidString.lowercased())-\(claim.phase.rawValue)", limits: settings.limits)
        let limits = RunPhaseLimits(limits: settings.limits, group: group, folder: workspace.root)
        defer { limits.remove() }
        // Long-term AWS keys never reach Terraform: only the session credentials made for this phase.
        let terraformEnvironment = TerraformPhaseEnvironment(server: settings.passthroughEnvironment, run: variables,
                                                             credentials: credentials?.variables(port: credentialsPort) ?? [:],
                                                             stateToken: network == nil ? token : nil, proxied: network != nil, home: workspace.home.path,
                                                             cliConfiguration: workspace.cliConfiguration.path)
        if !terraformEnvironment.ignored.isEmpty {
            await log.note("Ignored variables that Airlock sets itself or that would change how Terraform starts: "
                + "\(terraformEnvironment.ignored.joined(separator: ", ")).")
        }
        let queue = self.queue
        let runID = claim.runID
        let terraformIn = { (workspace: RunWorkspace) in
            TerraformInvocation(settings: self.settings, environment: terraformEnvironment.variables, workspace: workspace,
                                network: network?.namespace, limits: limits, log: log, shutdown: self.shutdown,
                                heartbeat: { try await queue.renew(runID) })
        }
        await log.note("Configuration \(version.sha256.prefix(12)) in a fresh working folder; state on the Airlock server.")
        let cacheKey = settings.initCache?.key(environment: environmentID, organization: environment.$organization.id,
                                               archiveSHA256: version.sha256, backendAddress: backendAddress,
                                               terraform: settings.terraformBinary, variables: terraformEnvironment.alike)
        // The kept entry this phase uses, if any: not removed until the phase is over.
        var heldEntry: InitializedFolderCache.Entry?
        defer { if let heldEntry { settings.initCache?.release(heldEntry) } }
        if let cache = settings.initCache, let cacheKey, let entry = cache.entry(cacheKey) {
            heldEntry = entry
            try InitializedFolderCache.place(entry, in: &workspace)
            await log.note(InitializedFolderCache.reusedNote)
        } else {
            // -reconfigure: a backend recorded in an uploaded .terraform folder is ignored, never migrated from. An
            // apply's providers are checked too: Terraform refuses a saved plan whose recorded provider selections
            // differ from what an init installed.
            let initialized = try await terraformIn(workspace).run(["init", "-input=false", "-no-color", "-reconfigure"])
            guard initialized == .exited(0) else {
                try await finish(claim, outcome: initialized, failure: "terraform init failed", log: log)
                return
            }
            // Kept for later phases, and read-only from here on in this one too.
            if let cache = settings.initCache, let cacheKey {
                let entry: InitializedFolderCache.Entry?
                do {
                    entry = try cache.store(cacheKey, from: workspace)
                } catch {
                    await log.note("What init left is not kept for later phases (this phase goes on with its own): \(error).")
                    entry = nil
                }
                heldEntry = entry
                // Once kept, the phase's own `.terraform` is gone: it uses the entry or cannot go on.
                if let entry { try InitializedFolderCache.place(entry, in: &workspace) }
            }
        }
        let terraform = terraformIn(workspace)
        let phase = PhaseContext(claim: claim, run: run, environment: environment, workspace: workspace, terraform: terraform, log: log)
        switch claim.phase {
        case .plan: try await plan(phase)
        case .apply: try await apply(phase)
        }
    }

    /// `terraform show -json` of the saved plan, for the policies' input: its one line of JSON, or nil (noted in the log)
    /// when Terraform failed, was stopped, or printed more or less than one.
    func showPlan(_ terraform: TerraformInvocation, log: RunLogWriter) async throws -> Data? {
        let shown = try await terraform.capture(["show", "-json", "-no-color", RunWorkspace.planFile], limit: ShownPlanJSON.limit)
        do {
            guard case let .exited(status) = shown.outcome else { throw ShownPlanJSON.Failure.stopped }
            guard status == 0 else { throw ShownPlanJSON.Failure.exited(status) }
            guard !shown.truncated else { throw ShownPlanJSON.Failure.tooLarge }
            return try ShownPlanJSON.line(of: shown.output)
        } catch {
            await log.note("terraform show -json could not be read (\(error)).")
            return nil
        }
    }

    /// Records until when the phase's credentials hold, for its page and the API.
    private func recordCredentialsUntil(_ until: Date, of claim: RunQueue.Claim) async throws {
        let column = claim.phase == .plan ? Run.column(\.$planCredentialsUntil) : Run.column(\.$applyCredentialsUntil)
        try await database.sql.update(Run.schema).set(column, to: SQLBind(until.timeIntervalSince1970))
            .where(Run.column(\.$id), .equal, SQLBind(claim.runID)).run()
    }

    /// The log's line on the phase's AWS credentials: what Terraform works as, and until when.
    static func credentialsNote(grant: PhaseAWSGrant?, until: Date, firstSession: AWSCredentials) -> String {
        let hours = (grant?.holdSeconds ?? 0) / 3600
        let limit = "the environment's limit of \(hours) hour\(hours == 1 ? "" : "s") from the start"
        guard let role = grant?.role else {
            return "AWS credentials: the session itself (the environment has no role for this phase), served to Terraform's AWS SDKs "
                + "(container credentials) until \(until.iso8601), when it ends; with a role Terraform would hold sessions of an hour at most."
        }
        return "AWS credentials: role \(role.arn), in sessions of at most an hour renewed before each ends, served to Terraform's AWS SDKs "
            + "(container credentials) until \(until.iso8601) (\(limit)); the first holds until \(firstSession.expiration?.iso8601 ?? "its end")."
    }

    /// How long the phase waited to start: since the run was queued (a plan), or since its apply was confirmed.
    private func queueWait(of run: Run, phase: RunPhase) async throws -> Duration {
        let since = phase == .plan ? run.queuedAt
            : try await RunEvent.query(on: database).filter(\.$run.$id == run.requireID()).filter(\.$toState == RunState.applyQueued.rawValue)
                .sort(\.$at, .descending).first()?.at ?? run.queuedAt
        return .milliseconds(Int(max(0, Date().timeIntervalSince1970 - since) * 1000))
    }

    /// The phase's credential for the state backend, its own: what it may do follows the run's state (read during
    /// the plan; read, lock and write during the apply), and the plan's token is worth nothing in the apply, so
    /// plan-time code that read it (the configuration is anyone's who may queue a plan) never writes the state.
    private func stateToken(of claim: RunQueue.Claim) -> String {
        "airlock_run_" + secrets.derivedSecret(for: "state-backend:\(claim.runID.uuidString):\(claim.phase.rawValue)")
    }

    /// What a phase's log never shows: the sensitive variables, the run's state token, the AWS keys.
    static func masked(_ variables: [UnsealedVariable], token: String) -> [String] {
        var masked = variables.filter(\.sensitive).map(\.value) + [token]
        if let keys = AWSAccess.keys(in: variables) { masked += [keys.credentials.accessKeyID, keys.credentials.secretAccessKey] }
        return masked
    }

    /// `masked` for a claim whose phase failed before its log was set up.
    private func maskedValues(of claim: RunQueue.Claim) async throws -> [String] {
        guard let run = try await Run.find(claim.runID, on: database),
              let environment = try await TerraformEnvironment.find(run.$environment.id, on: database) else { return [] }
        return Self.masked(try await Variables.forRun(of: environment, secrets: secrets, on: database), token: stateToken(of: claim))
    }

    /// Records a phase that did not succeed: canceled, timed out, lost, or Terraform's own failure.
    func finish(_ claim: RunQueue.Claim, outcome: TerraformInvocation.Outcome, failure: String, log: RunLogWriter) async throws {
        switch outcome {
        case .canceled:
            await log.note("Canceled.")
            try await finishRun(claim, to: .canceled, note: "Canceled during the \(claim.phase.rawValue)", changes: RunChanges(), log: log)
        case .timedOut:
            let reason = "The \(claim.phase.rawValue) took longer than \(Int(settings.phaseTimeout)) seconds and was stopped."
            await log.note(reason)
            try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
        case .serverStopped:
            let reason = "The server stopped during the \(claim.phase.rawValue): Terraform was interrupted (it saves the state it reached and "
                + "releases the lock) and this run ends here. Queue a new plan once the server is back."
            await log.note(reason)
            try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
        case .leaseLost:
            await log.note("This server lost the run (its claim expired); it was stopped here.")
            try await log.finish()
        case let .limitExceeded(limit):
            let reason = "The \(claim.phase.rawValue) went past its limit on \(limit) and was stopped; the server's operator sets the limits."
            await log.note(reason)
            try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
        case let .exited(status):
            let exhausted = await log.exhaustedLimits
            let explanations = ResourceExhaustion.allCases.filter(exhausted.contains).map { $0.explanation(settings.limits) }
            let reason = (["\(failure) (exit status \(status)); see the \(claim.phase.rawValue) log."] + explanations).joined(separator: " ")
            await log.note(reason)
            try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
        }
    }

    func finishRun(_ claim: RunQueue.Claim, to state: RunState, note: String, changes: RunChanges,
                           log: RunLogWriter) async throws {
        try await releaseStateLock(of: claim, log: log)
        try await log.finish()
        let from: RunState = claim.phase == .plan ? .planning : .applying
        try await RunTransition.move(claim.runID, from: [from], to: state, actor: "airlock", note: note,
                                     changes: changes.merging(.phaseEnded), on: database)
    }

    /// A Terraform that ends its apply still holding the state lock (killed after a cancel or a timeout,
    /// or crashed) cannot release it: the server does, and says so in the log.
    private func releaseStateLock(of claim: RunQueue.Claim, log: RunLogWriter?) async throws {
        guard claim.phase == .apply, let environmentID = try await Run.find(claim.runID, on: database)?.$environment.id,
              let released = try await StateLocks.release(heldBy: claim.runID, in: environmentID, on: database) else { return }
        await log?.note("Released the state lock Terraform left behind\(released.isEmpty ? "" : " (lock \(released))").")
    }

    private func fail(_ claim: RunQueue.Claim, reason: String, log: RunLogWriter?) async {
        try? await releaseStateLock(of: claim, log: log)
        if let log {
            await log.note(reason)
            try? await log.finish()
        }
        let from: RunState = claim.phase == .plan ? .planning : .applying
        _ = try? await RunTransition.move(claim.runID, from: [from], to: .errored, actor: "airlock", note: reason,
                                          changes: RunChanges.error(reason).merging(.phaseEnded), on: database)
    }
}
