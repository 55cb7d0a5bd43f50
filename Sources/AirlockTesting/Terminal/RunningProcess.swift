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
        process.terminationHandler = { finished in
            continuation.yield(finished.terminationStatus)
            continuation.finish()
        }
        try ProcessLaunch.run(process)
        // A thread of its own reads the output with blocking reads until end of file. (A Dispatch readability
        // source, released while a late handler ran, crashed the test process in Dispatch's event loop.)
        let reader = pipe.fileHandleForReading
        Thread.detachNewThread { [output] in
            while true {
                let data = reader.availableData
                if data.isEmpty { break }
                output.append(String(decoding: data, as: UTF8.self))
            }
        }
    }

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
    func append(_ text: String) { storage.withLock { $0 += text } }
    var text: String { storage.withLock { $0 } }
}
