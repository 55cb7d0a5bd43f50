import Dispatch
import Foundation

/// Runs a program to completion and collects its output without blocking Swift concurrency's threads:
/// the blocking reads happen on Dispatch's threads, and the exit is awaited through `terminationHandler`.
public enum ChildProcess {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: Data
        public let stderr: Data

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// - Parameters:
    ///   - environment: the child's whole environment.
    ///   - input: bytes for its standard input; nil gives it `/dev/null`.
    ///   - captureStderr: false lets the child write to this process's standard error (e.g. a prompt's hints).
    ///   - discardOutput: true sends both outputs to `/dev/null` and makes no pipes at all, for a child that
    ///     leaves a daemon behind (which would otherwise hold a pipe open).
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String],
        input: Data? = nil, captureStderr: Bool = true, discardOutput: Bool = false
    ) async throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = discardOutput ? FileHandle.nullDevice : stdout
        if discardOutput {
            process.standardError = FileHandle.nullDevice
        } else if captureStderr {
            process.standardError = stderr
        }
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            exited.continuation.yield(finished.terminationStatus)
            exited.continuation.finish()
        }
        try ProcessLaunch.run(process)
        if let input {
            DispatchQueue.global().async {
                stdin.fileHandleForWriting.write(input)
                try? stdin.fileHandleForWriting.close()
            }
        }
        async let out = discardOutput ? Data() : readToEnd(stdout.fileHandleForReading)
        async let err = captureStderr && !discardOutput ? readToEnd(stderr.fileHandleForReading) : Data()
        var status: Int32 = -1
        for await code in exited.stream { status = code }
        return Result(status: status, stdout: await out, stderr: await err)
    }

    private static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }
}
