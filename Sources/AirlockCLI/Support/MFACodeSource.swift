import Foundation
import AirlockAWS
import ArgumentParser
import Synchronization

/// Where `airlock` gets MFA codes: `--mfa-code` once, then the terminal, asking again when a code is not
/// six digits. With neither, the error names both ways out (`--mfa-code`, `mfa_process`).
final class MFACodeSource: Sendable {
    private let flagCode: Mutex<String?>
    static let attempts = 3

    init(flagCode: String?) {
        self.flagCode = Mutex(flagCode)
    }

    func code(for request: MFACodeRequest) throws -> String {
        if let code = flagCode.withLock({ code -> String? in defer { code = nil }; return code }) {
            return code
        }
        guard let terminal = TerminalPrompt() else { throw CredentialError.mfaCodeUnavailable(serial: request.serial) }
        for _ in 1...Self.attempts {
            switch terminal.readSecret(prompt: request.prompt) {
            case .cancelled:
                throw ExitCode(130)
            case let .line(code):
                let trimmed = code.trimmingCharacters(in: .whitespaces)
                if MFACodeRequest.isWellFormed(trimmed) { return trimmed }
                terminal.write("The MFA code must be 6 digits.\n")
            }
        }
        throw CredentialError.malformedMFACode(serial: request.serial)
    }
}
