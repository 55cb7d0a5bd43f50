import Foundation
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
            stdin.map { .descriptor($0.readEnd) } ?? .nullDevice,
            stdout.map { .descriptor($0.writeEnd) } ?? .nullDevice,
            stderr.map { .descriptor($0.writeEnd) } ?? (discardOutput ? .nullDevice : .descriptor(2)),
        ]
        let pid: pid_t
        do {
            pid = try PosixSpawn.start(executable.path, arguments, environment: environment, descriptors: descriptors)
        } catch {
            for made in pipes { made.closeBoth() }
            throw error
        }
        if let stdin { close(stdin.readEnd) }
        if let stdout { close(stdout.writeEnd) }
        if let stderr { close(stderr.writeEnd) }
        let exit = ChildExit.watch(pid)
        if let stdin, let input { ChildPipe.write(input, to: stdin.writeEnd) }
        async let out = readAll(stdout)
        async let err = readAll(stderr)
        var status: Int32 = -1
        for await code in exit { status = code }
        return Result(status: status, stdout: await out, stderr: await err)
    }

    private static func readAll(_ pipe: ChildPipe?) async -> Data {
        guard let pipe else { return Data() }
        return await ChildPipe.readAll(from: pipe.readEnd)
    }
}
