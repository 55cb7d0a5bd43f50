import Foundation

/// Runs a configured command (`credential_process`, `mfa_process`) without a shell, its words split as
/// botocore splits them, and returns its standard output. Standard error goes to the user's terminal.
enum ExternalCommand {
    static func output(of commandLine: String, kind: String, environment: [String: String]) async throws -> Data {
        let words = ShellWords.split(commandLine)
        guard !words.isEmpty else {
            throw CredentialError.processFailed(kind: kind, command: commandLine, reason: "is empty")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = words
        process.environment = environment
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CredentialError.processFailed(kind: kind, command: commandLine, reason: "could not start: \(error.localizedDescription)")
        }
        let data = await Task.detached { stdout.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let status = process.terminationStatus
            throw CredentialError.processFailed(kind: kind, command: commandLine,
                                                reason: status == 127 ? "was not found" : "exited with status \(status)")
        }
        return data
    }
}
