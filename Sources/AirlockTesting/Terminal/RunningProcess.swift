import AirlockAWS
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A long-running program started by a test (a server), whose standard output and error are collected as
/// they come, so the test can wait for a line such as `listening on`.
public final class RunningProcess: Sendable {
    private let pid: pid_t
    private let name: String
    private let output = OutputBuffer()
    private let exited: AsyncStream<Int32>
    private let exitStatus = ExitStatus()

    /// The most memory the process has held so far (its resident high-water mark), in MiB.
    public var peakResidentMiB: Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        let kilobytes = line?.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kilobytes / 1024
    }

    /// The processor time the process has used so far (user and system), in seconds.
    public var processorSeconds: Double {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th of them.
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    public init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        let pipe = try ChildPipe()
        do {
            pid = try PosixSpawn.start(executable, arguments, environment: environment,
                                       descriptors: [.nullDevice, .descriptor(pipe.writeEnd), .descriptor(pipe.writeEnd)])
        } catch {
            pipe.closeBoth()
            throw error
        }
        close(pipe.writeEnd)
        name = URL(fileURLWithPath: executable).lastPathComponent
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        exited = stream
        let chunks = ChildPipe.chunks(from: pipe.readEnd)
        Task { [output] in
            for await chunk in chunks { output.append(String(decoding: chunk, as: UTF8.self)) }
            output.close()
        }
        Task { [exitStatus, pid] in
            for await code in ChildExit.watch(pid) {
                exitStatus.record(code)
                continuation.yield(code)
            }
            continuation.finish()
        }
    }

    /// Whether the process is still running (has not been reaped).
    private var isRunning: Bool { exitStatus.status == nil }

    /// Everything printed so far.
    public var printed: String { output.text }

    /// Waits until the output contains `text`, as long as within every `seconds` the process prints something
    /// or it (or a child) uses processor time; returns the output.
    @discardableResult
    public func waitFor(_ text: String, seconds: Double = 60) async throws -> String {
        var deadline = ProgressDeadline(stalledAfter: seconds)
        while true {
            // Ended, and everything it printed read (the pipe closes after the exit is seen, at times).
            let ended = !isRunning && output.isClosed
            let current = printed
            if current.contains(text) { return current }
            if ended || !deadline.keepWaiting(seeing: [current.utf8.count, ProcessTreeTime.ticks(under: pid)]) {
                let why = ended ? "exited (\(exitStatus.status ?? -1))" : "printed nothing and stayed idle for \(Int(seconds)) s"
                throw TestServerError.didNotStart(name, output: "\(why) before printing \"\(text)\":\n\(current)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits for the line `READY <port>` of a peer that listens on a port it picked itself (bound to port 0, so
    /// no two peers race for one); returns the port.
    public func readyPort() async throws -> Int {
        let printed = try await waitFor("READY ")
        guard let port = printed.firstMatch(of: /READY ([0-9]+)\n/).flatMap({ Int($0.1) }) else {
            // The number's line may still be arriving.
            let complete = try await waitFor("\n", after: "READY ")
            guard let port = complete.firstMatch(of: /READY ([0-9]+)\n/).flatMap({ Int($0.1) }) else {
                throw TestServerError.didNotStart(name, output: complete)
            }
            return port
        }
        return port
    }

    /// Waits until `text` follows `marker` in the output.
    private func waitFor(_ text: String, after marker: String) async throws -> String {
        var deadline = ProgressDeadline(stalledAfter: 60)
        while true {
            let current = printed
            if let range = current.range(of: marker), current[range.upperBound...].contains(text) { return current }
            if !deadline.keepWaiting(seeing: current.utf8.count) { throw TestServerError.didNotStart(name, output: current) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits until the process ends by itself, as long as it prints something at least every `seconds`; one that
    /// stalls is stopped (SIGTERM). Returns the exit status.
    public func waitForExit(seconds: Double = 240) async -> Int32 {
        var deadline = ProgressDeadline(stalledAfter: seconds)
        while isRunning || !output.isClosed, deadline.keepWaiting(seeing: printed.utf8.count) {
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await stop()
    }

    /// Sends `signal` without waiting for anything.
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Sends `signal` (SIGTERM by default) and returns the exit status.
    public func stop(signal: Int32 = SIGTERM) async -> Int32 {
        if isRunning { kill(pid, signal) }
        for await _ in exited {}
        // What it printed last is read too (the pipe may close after the exit is seen; a child holding it open
        // is given five seconds).
        for _ in 0..<500 where !output.isClosed { try? await Task.sleep(for: .milliseconds(10)) }
        return exitStatus.status ?? -1
    }
}

/// Text collected from another thread.
private final class OutputBuffer: Sendable {
    private let storage = Mutex("")
    private let closed = Mutex(false)
    func append(_ text: String) { storage.withLock { $0 += text } }
    var text: String { storage.withLock { $0 } }
    /// Marks the end of the output: the pipe closed.
    func close() { closed.withLock { $0 = true } }
    var isClosed: Bool { closed.withLock { $0 } }
}
