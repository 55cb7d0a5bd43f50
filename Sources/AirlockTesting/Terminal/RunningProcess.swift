import AirlockAWS
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A long-running program started by a test (a server), whose standard output and error are collected as
/// they come, so the test can wait for a line such as `listening on`.
public final class RunningProcess: Sendable {
    private let process: Process
    private let pipe: Pipe
    private let output = OutputBuffer()
    private let exited: AsyncStream<Int32>

    public init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        exited = stream
        self.process = process
        self.pipe = pipe
        pipe.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                output.finish()
            } else {
                output.append(String(decoding: data, as: UTF8.self))
            }
        }
        process.terminationHandler = { finished in
            continuation.yield(finished.terminationStatus)
            continuation.finish()
        }
        try ProcessLaunch.run(process)
    }

    deinit {
        // Foundation closes the pipe's descriptor with the last reference to it. While the readability
        // handler's Dispatch source still watches that descriptor (the output has not ended: a child of
        // the process may still hold it), closing it lets the number be reused under the source, which
        // crashes Dispatch's event loop. Such a pipe is kept open for the rest of the test run instead.
        if !output.isFinished { Self.keptOpen.withLock { $0.append(pipe) } }
    }

    private static let keptOpen = Mutex<[Pipe]>([])

    /// Everything printed so far.
    public var printed: String { output.text }

    /// Waits until the output contains `text` (at most `seconds`); returns the output.
    @discardableResult
    public func waitFor(_ text: String, seconds: Double = 60) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let current = printed
            if current.contains(text) { return current }
            if !process.isRunning || Date() > deadline {
                throw TestServerError.didNotStart(process.executableURL?.lastPathComponent ?? "process", output: current)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Sends `signal` (SIGTERM by default) and returns the exit status.
    public func stop(signal: Int32 = SIGTERM) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        var status: Int32 = -1
        for await code in exited { status = code }
        return status
    }
}

/// Text collected from another thread.
private final class OutputBuffer: Sendable {
    private let storage = Mutex("")
    private let finished = Mutex(false)
    func append(_ text: String) { storage.withLock { $0 += text } }
    var text: String { storage.withLock { $0 } }
    /// The output ended (end of file seen; the handler is gone).
    func finish() { finished.withLock { $0 = true } }
    var isFinished: Bool { finished.withLock { $0 } }
}
