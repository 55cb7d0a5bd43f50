import Foundation

/// One `terraform` command of a run: its output goes to the run's log, and it is interrupted (SIGINT: Terraform
/// finishes the operations under way, saves the state and releases its lock), then killed after the cancel grace
/// period, when the run is canceled, times out, when the server loses the run or when the server stops.
struct TerraformInvocation {
    enum Outcome: Equatable {
        case exited(Int32)
        case canceled
        case timedOut
        case leaseLost
        case serverStopped
        /// The phase went past a limit (named).
        case limitExceeded(String)
    }

    /// What the invocation checks every few seconds: nil when the lease was lost, else whether a cancel
    /// was requested.
    typealias Heartbeat = @Sendable () async throws -> Bool?

    let settings: RunEngineSettings
    let environment: [String: String]
    let workspace: RunWorkspace
    /// The phase's network namespace; nil for the server's network.
    let network: RunNetworkNamespace?
    let limits: RunPhaseLimits
    let log: RunLogWriter
    let shutdown: ShutdownRequest
    let heartbeat: Heartbeat

    /// Runs `terraform arguments` with its output in the run's log.
    func run(_ arguments: [String]) async throws -> Outcome {
        await log.note("$ terraform \(arguments.joined(separator: " "))")
        let log = self.log
        return try await execute(arguments) { output in
            var lastFlush = Date()
            for await data in output {
                await log.append(data)
                if Date().timeIntervalSince(lastFlush) > 0.2 {
                    try? await log.flush()
                    lastFlush = Date()
                }
            }
            try? await log.flush()
            return Data()
        }.outcome
    }

    /// Runs `terraform arguments` for what it prints (`show -json`), which stays out of the run's log; output
    /// beyond `limit` bytes is dropped (`truncated`).
    func capture(_ arguments: [String], limit: Int) async throws -> (outcome: Outcome, output: Data, truncated: Bool) {
        await log.note("$ terraform \(arguments.joined(separator: " ")) (read by Airlock, not shown)")
        let result = try await execute(arguments) { output in
            var captured = Data()
            for await data in output where captured.count <= limit {
                captured.append(data.prefix(limit + 1 - captured.count))
            }
            return captured
        }
        return (result.outcome, result.output.prefix(limit), result.output.count > limit)
    }

    private func execute(_ arguments: [String], reading consume: @escaping @Sendable (AsyncStream<Data>) async -> Data) async throws
        -> (outcome: Outcome, output: Data) {
        let started = ContinuousClock.now
        let process = try settings.sandbox.launch(settings.terraformBinary, arguments: arguments, environment: environment,
                                                  workspace: workspace, network: network, prefix: limits.launchPrefix)
        let deadline = Date().addingTimeInterval(settings.phaseTimeout)
        let (log, limits) = (self.log, self.limits)
        let reader = Task { await consume(process.output) }
        let monitor = Task { () -> Outcome? in
            var stopping: (reason: Outcome, since: Date)?
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                if Task.isCancelled { break }
                // A line Terraform wrote before going quiet (a long provisioner) reaches readers now, not
                // with its next output.
                try? await log.flush()
                if let current = stopping {
                    if Date().timeIntervalSince(current.since) > settings.cancelGracePeriod { process.killAll() }
                    continue
                }
                if let limit = limits.exceeded() {
                    // Past a limit nothing graceful is owed: a fork bomb or a disk filler is stopped at once.
                    process.killAll()
                    stopping = (.limitExceeded(limit), Date())
                    continue
                }
                var reason: Outcome? = Date() > deadline ? .timedOut : shutdown.isRequested ? .serverStopped : nil
                do {
                    switch try await heartbeat() {
                    case .some(true): reason = .canceled
                    case .none: reason = .leaseLost
                    case .some(false): break
                    }
                } catch {
                    // The database is unreachable for a moment: the lease covers it; try again.
                }
                if let reason {
                    process.interrupt()
                    stopping = (reason, Date())
                }
            }
            return stopping?.reason
        }
        let status = await process.waitForExit()
        // Whatever it started must not outlive it (nor keep the output open).
        process.killAll()
        monitor.cancel()
        // A process the kernel stopped at a limit (out of memory, a refused fork) fails Terraform in its own words; the
        // limit is what the run's people need to hear.
        let stoppedFor = await monitor.value ?? limits.exceeded(now: true).map { .limitExceeded($0) }
        let output = await reader.value
        // The sandbox's start, then the command's own time, in the phase's timings line.
        let sandbox = process.sandboxStartup ?? .zero
        if sandbox > .zero { await log.time("sandbox start", sandbox) }
        await log.time(arguments.first ?? "terraform", ContinuousClock.now - started - sandbox)
        return (stoppedFor ?? .exited(status), output)
    }
}
