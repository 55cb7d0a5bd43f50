import AirlockAWS
import Foundation

/// Runs a program to completion without a controlling terminal (through `setsid`), as CI and pipelines run
/// it, and returns what it printed.
public enum CommandRunner {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// - Parameter environment: the whole environment; nothing of the test process's leaks in.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                           stdin: String? = nil) async throws -> Result {
        let result = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/setsid"), ["--wait", executable] + arguments,
            environment: environment, input: stdin.map { Data($0.utf8) }
        )
        return Result(status: result.status, stdout: result.stdoutText, stderr: result.stderrText)
    }
}
