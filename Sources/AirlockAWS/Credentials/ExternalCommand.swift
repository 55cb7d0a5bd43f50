import Foundation

/// Runs a configured command (`credential_process`, `mfa_process`) without a shell, its words split as
/// botocore splits them, and returns its standard output. Standard error goes to the user's terminal.
enum ExternalCommand {
    static func output(of commandLine: String, kind: String, environment: [String: String]) async throws -> Data {
        let words = ShellWords.split(commandLine)
        guard !words.isEmpty else {
            throw CredentialError.processFailed(kind: kind, command: commandLine, reason: "is empty")
        }
        let result: ChildProcess.Result
        do {
            result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), words, environment: environment, captureStderr: false)
        } catch {
            throw CredentialError.processFailed(kind: kind, command: commandLine, reason: "could not start: \(error.localizedDescription)")
        }
        guard result.status == 0 else {
            throw CredentialError.processFailed(kind: kind, command: commandLine,
                                                reason: result.status == 127 ? "was not found" : "exited with status \(result.status)")
        }
        return result.stdout
    }
}
