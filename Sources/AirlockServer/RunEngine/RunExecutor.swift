import AirlockAWS
import Crypto
import Fluent
import Foundation

/// Executes a claimed run phase with the real Terraform: `init` then `plan -out`; then `apply` of exactly the
/// saved plan (checked by hash) on the state the plan was made on. Each phase starts from a fresh folder (the
/// configuration unpacked again from its checked archive, a fresh `HOME`, `init` again), so nothing the plan's
/// code wrote reaches the apply but the sealed plan. Terraform's environment holds the run's variables, its
/// session credentials and only `RunEngineSettings.passedThrough` of the server's (see the README).
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
        let session: AWSCredentials?
        do {
            let asked = ContinuousClock.now
            session = try await sessionCredentials(for: run, claim: claim, environment: environment, keys: keys, log: log)
            if session != nil { await log.time("AWS session", ContinuousClock.now - asked) }
        } catch let refusal as MFARefusal {
            await log.note(refusal.message)
            try await finishRun(claim, to: .errored, note: refusal.message, changes: .error(refusal.message), log: log)
            return
        }

        if claim.phase == .apply {
            let current = try await StateVersions.latest(of: environmentID, on: database)?.serial
            guard current == run.baseStateSerial else {
                let reason = "The environment's state changed since this plan (it was made on serial \(run.baseStateSerial.map(String.init) ?? "none"), the state is now at serial \(current.map(String.init) ?? "none")). Queue a new plan."
                await log.note(reason)
                try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
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
            try RunNetwork(policy: policy, statePath: statePath, token: token, responder: stateResponder) { line in Task { await log.note(line) } }
        }
        defer { network?.stop() }
        let workspace = try RunWorkspace.prepare(
            root: settings.workRoot, runID: claim.runID, phase: claim.phase, archive: version.archive,
            backendAddress: network == nil ? serverURL + statePath : RunNetwork.stateAddress(statePath), backendToken: token)
        defer { workspace.remove() }
        let group = try settings.controlGroups?.make("airlock-\(claim.runID.uuidString.lowercased())-\(claim.phase.rawValue)", limits: settings.limits)
        let limits = RunPhaseLimits(limits: settings.limits, group: group, folder: workspace.root)
        defer { limits.remove() }
        var terraformEnvironment = settings.passthroughEnvironment
        // Long-term AWS keys never reach Terraform: only the session credentials made for this phase.
        for variable in variables where !AWSAccess.withheldVariables.contains(variable.key) && !VariableRules.isReserved(variable.key) {
            terraformEnvironment[variable.key] = variable.value
        }
        let ignored = variables.map(\.key).filter(VariableRules.isReserved)
        if !ignored.isEmpty {
            await log.note("Ignored variables that Airlock sets itself or that would change how Terraform starts: \(ignored.joined(separator: ", ")).")
        }
        if let session {
            terraformEnvironment["AWS_ACCESS_KEY_ID"] = session.accessKeyID
            terraformEnvironment["AWS_SECRET_ACCESS_KEY"] = session.secretAccessKey
            terraformEnvironment["AWS_SESSION_TOKEN"] = session.sessionToken
        }
        network?.apply(to: &terraformEnvironment)
        terraformEnvironment["HOME"] = workspace.home.path
        terraformEnvironment["TF_IN_AUTOMATION"] = "1"
        terraformEnvironment["CHECKPOINT_DISABLE"] = "1"  // no version check: a run reaches only what it needs
        terraformEnvironment["TF_INPUT"] = "0"
        if terraformEnvironment["TF_CLI_CONFIG_FILE"] == nil {
            terraformEnvironment["TF_CLI_CONFIG_FILE"] = workspace.cliConfiguration.path
        }
        let queue = self.queue
        let runID = claim.runID
        let terraform = TerraformInvocation(settings: settings, environment: terraformEnvironment, workspace: workspace,
                                            network: network?.namespace, limits: limits, log: log,
                                            shutdown: shutdown, heartbeat: { try await queue.renew(runID) })
        await log.note("Configuration \(version.sha256.prefix(12)) in a fresh working folder; state on the Airlock server.")
        // -reconfigure: a backend recorded in an uploaded .terraform folder is ignored, never migrated from. An
        // apply's providers are checked too: Terraform refuses a saved plan whose recorded provider selections
        // differ from what this init installed.
        let initialized = try await terraform.run(["init", "-input=false", "-no-color", "-reconfigure"])
        guard initialized == .exited(0) else {
            try await finish(claim, outcome: initialized, failure: "terraform init failed", log: log)
            return
        }
        switch claim.phase {
        case .plan:
            let baseSerial = try await StateVersions.latest(of: environmentID, on: database)?.serial
            // A plan only reads the state (its token may not lock or write it).
            let outcome = try await terraform.run(["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode",
                                                   "-out=\(RunWorkspace.planFile)"] + (run.isDestroy == true ? ["-destroy"] : []))
            switch outcome {
            case .exited(0):
                try await finishRun(claim, to: .plannedAndFinished, note: "No changes", changes: RunChanges().set(\.$hasChanges, to: false).set(\.$baseStateSerial, to: baseSerial), log: log)
            case .exited(2) where run.isPlanOnly:
                let (stopped, summary) = try await summarize(terraform, log: log)
                if let stopped { return try await finish(claim, outcome: stopped, failure: "terraform show failed", log: log) }
                await log.note("A speculative plan: it is never applied.")
                try await finishRun(claim, to: .plannedAndFinished, note: "Planned with changes (speculative)",
                                    changes: RunChanges().set(\.$hasChanges, to: true).set(\.$baseStateSerial, to: baseSerial)
                                        .set(\.$planSummaryJSON, to: summary), log: log)
            case .exited(2):
                // The plan is read before `show` runs the configuration's providers again, and checked after it:
                // the summary approvers see is of exactly the plan whose hash they approve.
                let saving = ContinuousClock.now
                let plan = try workspace.readPlan()
                let digest = Hex.encode(SHA256.hash(data: plan))
                var saveTime = ContinuousClock.now - saving
                let (stopped, summary) = try await summarize(terraform, log: log)
                if let stopped { return try await finish(claim, outcome: stopped, failure: "terraform show failed", log: log) }
                guard try workspace.readPlan() == plan else {
                    let reason = "The saved plan changed while Airlock read its summary; it is not kept. Queue a new plan."
                    await log.note(reason)
                    return try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
                }
                let sealing = ContinuousClock.now
                let sealed = try secrets.seal(plan, boundTo: "plan:\(claim.runID.uuidString)")
                saveTime += ContinuousClock.now - sealing
                await log.time("plan saved (read, hashed, sealed)", saveTime)
                await log.note("Plan saved (sha256 \(digest.prefix(12))); waiting for Confirm & Apply.")
                try await finishRun(claim, to: .planned, note: "Planned with changes",
                                    changes: RunChanges().set(\.$hasChanges, to: true).set(\.$planSealed, to: sealed)
                                        .set(\.$planSHA256, to: digest).set(\.$baseStateSerial, to: baseSerial)
                                        .set(\.$planSummaryJSON, to: summary),
                                    log: log)
                if run.autoApply == true {
                    _ = try await RunAutoApply.confirmForCreator(claim.runID, createdBy: run.createdBy, mfa: mfa, pagesAddress: pagesAddress,
                                                                 logLimitBytes: settings.logLimitBytes, on: database)
                }
            default:
                try await finish(claim, outcome: outcome, failure: "terraform plan failed", log: log)
            }
        case .apply:
            guard let sealed = run.planSealed, let expected = run.planSHA256 else {
                try await finishRun(claim, to: .errored, note: "The run has no saved plan.", changes: .error("The run has no saved plan."), log: log)
                return
            }
            let plan = try secrets.unseal(sealed, boundTo: "plan:\(claim.runID.uuidString)")
            let digest = Hex.encode(SHA256.hash(data: plan))
            guard digest == expected else {
                let reason = "The saved plan does not match its recorded hash; it was not applied."
                try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
                return
            }
            try workspace.writeApprovedPlan(plan)
            await log.note("Applying the saved plan (sha256 \(digest.prefix(12))).")
            let outcome = try await terraform.run(["apply", "-input=false", "-no-color", workspace.approvedPlan.path])
            if let saves = await StateSaveTimes.shared.take(claim.runID) {
                await log.time("state saved (\(saves.count)×, \(max(1, saves.bytes / 1024)) KiB)", saves.duration)
            }
            if outcome == .exited(0) {
                try await finishRun(claim, to: .applied, note: "Applied", changes: RunChanges(), log: log)
            } else {
                try await finish(claim, outcome: outcome, failure: "terraform apply failed", log: log)
            }
        }
    }

    /// The saved plan's summary (`PlanSummary`, as JSON) from `terraform show -json`, in the same sandbox and folder
    /// as the plan. A plan whose summary cannot be read is still a plan: its log says why and approvers read the log.
    /// `stopped` is how `show` was stopped (a cancel, the deadline, the server stopping), if it was.
    private func summarize(_ terraform: TerraformInvocation, log: RunLogWriter) async throws
        -> (stopped: TerraformInvocation.Outcome?, json: String?) {
        let shown = try await terraform.capture(["show", "-json", "-no-color", RunWorkspace.planFile], limit: PlanSummary.jsonLimit)
        guard case let .exited(status) = shown.outcome else { return (shown.outcome, nil) }
        do {
            guard status == 0 else { throw PlanSummaryError.unreadable("terraform show exited with status \(status)") }
            guard !shown.truncated else { throw PlanSummaryError.tooLarge }
            // Addresses are masked as the log masks them: a for_each key may hold a sensitive variable's value.
            let summary = try await log.masked(PlanSummary(terraformShowOutput: shown.output))
            await log.note(summary.headline)
            return (nil, String(decoding: try JSONEncoder().encode(summary), as: UTF8.self))
        } catch {
            await log.note("The plan's summary could not be read (\(error)); approvers see the log only.")
            return (nil, nil)
        }
    }

    /// How long the phase waited to start: since the run was queued (a plan), or since its apply was confirmed.
    private func queueWait(of run: Run, phase: RunLogChunk.Phase) async throws -> Duration {
        let since = phase == .plan ? run.queuedAt
            : try await RunEvent.query(on: database).filter(\.$run.$id == run.requireID()).filter(\.$toState == RunState.applyQueued.rawValue)
                .sort(\.$at, .descending).first()?.at ?? run.queuedAt
        return .milliseconds(Int(max(0, Date().timeIntervalSince1970 - since) * 1000))
    }

    /// The run's credential for the state backend. The same token in both phases: Terraform keeps the
    /// backend's settings in the saved plan. What it may do follows the run's state: read during the plan;
    /// read, lock and write during the apply.
    private func stateToken(of claim: RunQueue.Claim) -> String {
        "airlock_run_" + secrets.derivedSecret(for: "state-backend:\(claim.runID.uuidString)")
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

    /// The AWS session credentials for the phase: those an MFA authentication made for it (taken from the
    /// run, so used once), or, when the phase needs no MFA and the organization has AWS keys, a session
    /// made now without MFA. Nil when the organization has no AWS keys.
    private func sessionCredentials(for run: Run, claim: RunQueue.Claim, environment: TerraformEnvironment, keys: AWSAccess.Keys?,
                                    log: RunLogWriter) async throws -> AWSCredentials? {
        let sealed = claim.phase == .plan ? run.planCredentialsSealed : run.applyCredentialsSealed
        let authenticatedBy = claim.phase == .plan ? run.planAuthenticatedBy : run.applyAuthenticatedBy
        if let sealed {
            let taken = Run.query(on: database).filter(\.$id == claim.runID)
            if claim.phase == .plan {
                try await taken.set(\.$planCredentialsSealed, to: nil).update()
            } else {
                try await taken.set(\.$applyCredentialsSealed, to: nil).update()
            }
            let credentials = try SealedCredentials.unseal(sealed, runID: claim.runID, phase: claim.phase, secrets: secrets)
            await log.masking([credentials.accessKeyID, credentials.secretAccessKey, credentials.sessionToken ?? ""])
            if let authenticatedBy {
                await log.line("Authenticated with MFA by \(authenticatedBy)")
                if let device = try await MFAGate.latest(runID: claim.runID, phase: claim.phase, on: database)?.deviceSerial {
                    await log.note("MFA device: \(device)")
                }
            }
            return credentials
        }
        if run.mfaLevel.requiresMFA(for: claim.phase) {
            throw MFARefusal.codeRequired(serial: keys?.serial, phase: claim.phase)
        }
        guard let keys else { return nil }
        let role = environment.roleARN(for: claim.phase, mfaAuthenticated: false)
        let approver = claim.phase == .plan ? run.createdBy
            : try await RunEvent.query(on: database).filter(\.$run.$id == claim.runID).filter(\.$toState == RunState.applyQueued.rawValue)
                .sort(\.$at, .descending).first()?.actor ?? run.createdBy
        do {
            let (credentials, _) = try await aws.session(keys, tokenCode: nil, roleARN: role, user: approver,
                                                         sessionName: AWSAccess.sessionName(user: approver, runNumber: run.number, phase: claim.phase,
                                                                                            planSHA256: claim.phase == .apply ? run.planSHA256 : nil))
            await log.masking([credentials.accessKeyID, credentials.secretAccessKey, credentials.sessionToken ?? ""])
            await log.note("AWS session credentials from STS (no MFA)\(role.map { " for role \($0)" } ?? "").")
            return credentials
        } catch {
            throw AWSAccess.describe(error)
        }
    }

    /// Records a phase that did not succeed: canceled, timed out, lost, or Terraform's own failure.
    private func finish(_ claim: RunQueue.Claim, outcome: TerraformInvocation.Outcome, failure: String, log: RunLogWriter) async throws {
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
            let reason = "\(failure) (exit status \(status)); see the \(claim.phase.rawValue) log."
            await log.note(reason)
            try await finishRun(claim, to: .errored, note: reason, changes: .error(reason), log: log)
        }
    }

    private func finishRun(_ claim: RunQueue.Claim, to state: RunState, note: String, changes: RunChanges,
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
