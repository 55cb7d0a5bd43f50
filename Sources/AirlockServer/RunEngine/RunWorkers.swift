import Fluent
import Foundation
import Logging

/// This server's run workers: `concurrency` loops that claim runs from the shared queue and execute them,
/// plus the recovery of runs whose server died. Started with the server, stopped (`stop`) before its HTTP
/// side, which Terraform still needs for the state while it stops.
final class RunWorkers: Sendable {
    private let workers: [Task<Void, Never>]
    private let recovery: Task<Void, Never>
    private let doorbell = Doorbell()
    private let shutdown = ShutdownRequest()

    /// - Parameters:
    ///   - recoverAllOnStart: true with SQLite, where no other server can be executing a run: runs left
    ///     executing by a previous process are recovered at once rather than when their lease expires.
    /// - Parameters:
    ///   - pagesAddress: where people reach this server's pages (for the "waiting for an MFA code" line).
    ///   - stateResponder: the server's routes, for the state backend inside runs' networks.
    init(settings: RunEngineSettings, database: any Database, mfa: MFAServices, serverURL: String, pagesAddress: String,
         stateResponder: @escaping RunStateGateway.Responder, recoverAllOnStart: Bool, logger: Logger) async throws {
        let workerID = "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"
        let queue = RunQueue(database: database, workerID: workerID, leaseDuration: settings.leaseDuration,
                             organizationLimit: settings.organizationRunLimit)
        if recoverAllOnStart {
            let recovered = try await queue.recoverExpired(before: .infinity)
            if recovered > 0 { logger.warning("Marked \(recovered) run(s) errored that were executing when the server last stopped.") }
        }
        try await RunWorkspace.sweep(root: settings.workRoot, database: database)
        settings.initCache?.sweep()
        let executor = RunExecutor(settings: settings, queue: queue, shutdown: shutdown, mfa: mfa, serverURL: serverURL,
                                   pagesAddress: pagesAddress, stateResponder: stateResponder)
        let (doorbell, shutdown) = (self.doorbell, self.shutdown)
        let slots = WorkerSlots(count: settings.concurrency)
        workers = (0..<settings.concurrency).map { _ in
            // Not stopped by cancellation: a canceled task would end its phase's wait for Terraform at once.
            Task {
                while !shutdown.isRequested {
                    let isLastFree = await slots.take()
                    do {
                        if let claim = try await queue.claimNext(keepingAWorkerFree: isLastFree && settings.concurrency > 1) {
                            await executor.execute(claim)
                            await slots.release()
                            await doorbell.ring()  // the next run of that environment may start now
                            continue
                        }
                    } catch {
                        logger.error("The run queue failed: \(error)")
                    }
                    await slots.release()
                    await doorbell.wait(upTo: .seconds(1))
                }
            }
        }
        recovery = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(max(1, settings.leaseDuration / 3)))
                do {
                    if try await queue.recoverExpired() > 0 { await doorbell.ring() }
                    try await RunWorkspace.sweep(root: settings.workRoot, database: database)
                    settings.initCache?.sweep()
                } catch {
                    logger.error("Recovering runs failed: \(error)")
                }
            }
        }
    }

    /// Tells idle workers to look at the queue now (a run was queued or confirmed here).
    func notify() {
        let doorbell = doorbell
        Task { await doorbell.ring() }
    }

    /// Stops claiming runs, interrupts the Terraform of each phase being executed (SIGINT, as a cancel does:
    /// Terraform saves the state it reached and releases the lock; SIGKILL after the cancel grace period),
    /// records those runs errored with the reason, and returns once every worker has ended.
    func stop() async {
        shutdown.request()
        await doorbell.ring()
        recovery.cancel()
        for worker in workers { await worker.value }
        await recovery.value
    }
}

/// How many of this server's workers are claiming or executing a run: a claim learns whether it is for the last
/// free worker, counted before it looks at the queue so that two workers claiming at once never both think so.
actor WorkerSlots {
    private let count: Int
    private var taken = 0

    init(count: Int) {
        self.count = count
    }

    /// Takes a worker's slot; true when it is the last free one.
    func take() -> Bool {
        taken += 1
        return taken >= count
    }

    func release() {
        taken -= 1
    }
}

/// Lets idle workers sleep until rung or until a timeout passes, whichever is first.
actor Doorbell {
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]

    /// Wakes every waiting worker.
    func ring() {
        for waiter in waiters.values { waiter.resume() }
        waiters.removeAll()
    }

    func wait(upTo timeout: Duration) async {
        let id = UUID()
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            self.wake(id)
        }
        await withCheckedContinuation { waiters[id] = $0 }
        timer.cancel()
    }

    private func wake(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume()
    }
}
