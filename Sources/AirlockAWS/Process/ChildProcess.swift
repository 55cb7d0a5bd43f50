import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion and collects its output without blocking Swift concurrency's threads:
/// blocking reads, the input's write and the wait each happen on a thread of their own.
public enum ChildProcess {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: Data
        public let stderr: Data
        /// Whether it was stopped for running past its time limit.
        public var timedOut = false

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// - Parameters:
    ///   - environment: the child's whole environment.
    ///   - input: bytes for its standard input; nil gives it `/dev/null`, or this process's with `inheritInput`.
    ///   - captureStderr: false lets the child write to this process's standard error (e.g. a prompt's hints).
    ///   - discardOutput: true sends both outputs to `/dev/null` and makes no pipes at all, for a child that
    ///     leaves a daemon behind (which would otherwise hold a pipe open).
    ///   - timeLimit: past it the child gets SIGTERM, and SIGKILL two seconds later.
    ///   - outputLimit: at most this many bytes of each output are kept; past it the pipe is closed.
    ///
    /// Once the child has ended, its outputs are read for two seconds more at most: a process it left behind holding
    /// them open does not hold this one. No signal reaches its pid once it has been reaped (it may be another's then).
    ///   - endsWithThisProcess: true passes SIGTERM and SIGHUP that end this process on to the child first, so that
    ///     it does not outlive this one (a SIGKILL of this process cannot be passed on).
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String],
        input: Data? = nil, captureStderr: Bool = true, discardOutput: Bool = false,
        timeLimit: Duration? = nil, endsWithThisProcess: Bool = false, inheritInput: Bool = false, outputLimit: Int? = nil
    ) async throws(SpawnError) -> Result {
        var pipes: [ChildPipe] = []
        func pipe() throws(SpawnError) -> ChildPipe {
            do {
                let made = try ChildPipe()
                pipes.append(made)
                return made
            } catch {
                for made in pipes { made.closeBoth() }
                throw error
            }
        }
        let stdin = input == nil ? nil : try pipe()
        let stdout = discardOutput ? nil : try pipe()
        let stderr = discardOutput || !captureStderr ? nil : try pipe()
        let descriptors: [ChildDescriptor] = [
            stdin.map { .descriptor($0.readEnd) } ?? (inheritInput ? .descriptor(0) : .nullDevice),
            stdout.map { .descriptor($0.writeEnd) } ?? .nullDevice,
            stderr.map { .descriptor($0.writeEnd) } ?? (discardOutput ? .nullDevice : .descriptor(2)),
        ]
        // SIGTERM and SIGHUP that end this process go to the child first, so it does not outlive this one; armed
        // before the spawn, so no signal slips between the child's start and the arming.
        let started = StartedChild()
        let forwarder = endsWithThisProcess ? SignalInterception([SIGTERM, SIGHUP]) { number in
            started.signal(number)
        } : nil
        let pid: pid_t
        do {
            pid = try PosixSpawn.start(executable.path, arguments, environment: environment, descriptors: descriptors)
            started.pid = pid
        } catch {
            forwarder?.stop()
            for made in pipes { made.closeBoth() }
            throw error
        }
        if let stdin { close(stdin.readEnd) }
        if let stdout { close(stdout.writeEnd) }
        if let stderr { close(stderr.writeEnd) }
        let exit = ChildExit.watch(pid, beforeReaping: { started.ended() })
        let limit = timeLimit.map { limit in
            Task { () -> Bool in
                do { try await Task.sleep(for: limit) } catch { return false }  // it ended in time
                guard started.signal(SIGTERM) else { return false }
                if (try? await Task.sleep(for: .seconds(2))) != nil { started.signal(SIGKILL) }
                return true
            }
        }
        if let stdin, let input { ChildPipe.write(input, to: stdin.writeEnd) }
        let givingUp: @Sendable () -> Bool = { started.outputAbandoned }
        async let out = readAll(stdout, givingUp: givingUp, limit: outputLimit)
        async let err = readAll(stderr, givingUp: givingUp, limit: outputLimit)
        var status: Int32 = -1
        for await code in exit { status = code }
        limit?.cancel()
        forwarder?.stop()
        let timedOut = await limit?.value ?? false
        return Result(status: status, stdout: await out, stderr: await err, timedOut: timedOut)
    }

    private static func readAll(_ pipe: ChildPipe?, givingUp: @escaping @Sendable () -> Bool, limit: Int?) async -> Data {
        guard let pipe else { return Data() }
        return await ChildPipe.readAll(from: pipe.readEnd, givingUp: givingUp, limit: limit)
    }
}

/// The child being run, for a signal handler and a time limit that may act on other threads: signalled only from its
/// start until it ended (checked under the same lock that records the end, before its pid is released).
private final class StartedChild: Sendable {
    private struct State {
        var pid: pid_t?
        var endedAt: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    var pid: pid_t? {
        get { state.withLock { $0.pid } }
        set { state.withLock { $0.pid = newValue } }
    }

    /// Sends `number` if the child has started and not ended; whether it was sent.
    @discardableResult
    func signal(_ number: Int32) -> Bool {
        state.withLock { state in
            guard let pid = state.pid, state.endedAt == nil else { return false }
            return kill(pid, number) == 0
        }
    }

    func ended() {
        state.withLock { $0.endedAt = .now }
    }

    /// Whether the child ended more than two seconds ago (its outputs are not waited for any longer).
    var outputAbandoned: Bool {
        state.withLock { state in state.endedAt.map { .now - $0 > .seconds(2) } ?? false }
    }
}
