import Foundation

/// An MFA code from a command (`mfa_process`, e.g. a YubiKey's `ykman oath accounts code --single NAME`): run
/// without a shell, its output trimmed and checked to be six digits.
public enum MFACodeProcess {
    public static func code(running commandLine: String, for serial: String, environment: [String: String]) async throws -> String {
        let output = try await ExternalCommand.output(of: commandLine, kind: "mfa_process", environment: environment)
        let code = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard MFACodeRequest.isWellFormed(code) else { throw CredentialError.malformedMFACode(serial: serial) }
        return code
    }
}
