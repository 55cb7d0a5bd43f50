import Foundation

/// Runs a configured command (`credential_process`, `mfa_process`) without a shell, its words split as
/// botocore splits them, with this process's standard input (as botocore gives it), and returns its standard
/// output. Standard error goes to the user's terminal.
enum ExternalCommand {
    /// How deep commands may nest (a `credential_process` that runs airlock, whose profile runs another): a profile
    /// whose command leads back to itself ends here instead of starting airlocks without end.
    static let depthVariable = "AIRLOCK_CREDENTIAL_DEPTH"
    static let maximumDepth = 5
    /// How long a command may take by default: enough for a person to touch a security key or finish a browser
    /// sign-in. `AIRLOCK_CREDENTIAL_PROCESS_TIMEOUT` (seconds, 1 to 3600) sets another.
    static let defaultTimeLimit = 300
    static let timeLimitVariable = "AIRLOCK_CREDENTIAL_PROCESS_TIMEOUT"
    /// Credentials or a code fit in a few hundred bytes: more than 1 MiB is not read (nor kept in memory).
    static let outputLimit = 1 << 20

    static func output(of commandLine: String, kind: String, environment: [String: String]) async throws -> Data {
        guard let words = ShellWords.split(commandLine) else {
            throw CredentialError.processFailed(kind: kind, command: commandLine, reason: "cannot be split into words (a quote left open, or a backslash at the end)")
        }
        guard !words.isEmpty else {
            throw CredentialError.processFailed(kind: kind, command: commandLine, reason: "is empty")
        }
        let depth = max(0, environment[depthVariable].flatMap { Int($0) } ?? 0)
        guard depth < maximumDepth else {
            throw CredentialError.processFailed(kind: kind, command: commandLine,
                                                reason: "is run by \(depth) nested credential commands already: it leads back to itself")
        }
        let seconds = environment[timeLimitVariable].flatMap { Int($0) }.flatMap { (1...3600).contains($0) ? $0 : nil } ?? defaultTimeLimit
        let timeLimit = Duration.seconds(seconds)
        var childEnvironment = environment
        childEnvironment[depthVariable] = String(depth + 1)
        let result: ChildProcess.Result
        do {
            result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), words, environment: childEnvironment, captureStderr: false,
                                                timeLimit: timeLimit, endsWithThisProcess: true, inheritInput: true,
                                                outputLimit: outputLimit)
        } catch {
            throw CredentialError.processFailed(kind: kind, command: commandLine, reason: "could not start: \(error.localizedDescription)")
        }
        if result.timedOut {
            throw CredentialError.processFailed(kind: kind, command: commandLine, reason: "did not finish within \(seconds) s and was stopped (\(timeLimitVariable) sets the limit)")
        }
        guard result.status == 0 else {
            throw CredentialError.processFailed(kind: kind, command: commandLine,
                                                reason: result.status == 127 ? "was not found" : "exited with status \(result.status)")
        }
        return result.stdout
    }
}
