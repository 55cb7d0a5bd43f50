import Foundation

/// Blanks a secret in this process's own argument strings, which `ps` and `/proc/PID/cmdline` show to every user
/// of the machine: the kernel reads them from this process's memory, so overwriting them in place hides them from
/// then on (not before: `--mfa-code-stdin` never shows a code at all).
enum ArgumentScrubber {
    static func blank(_ secret: String) {
        guard !secret.isEmpty, CommandLine.argc > 1 else { return }
        let bytes = Array(secret.utf8)
        for index in 1..<Int(CommandLine.argc) {
            guard let argument = CommandLine.unsafeArgv[index] else { continue }
            let length = strlen(argument)
            guard length >= bytes.count else { continue }
            // The value alone, or `--mfa-code=VALUE`: blank its last `bytes.count` bytes if they are the secret.
            let start = length - bytes.count
            let matches = (0..<bytes.count).allSatisfy { UInt8(bitPattern: argument[start + $0]) == bytes[$0] }
            if matches && (start == 0 || argument[start - 1] == CChar(UInt8(ascii: "="))) {
                for offset in 0..<bytes.count { argument[start + offset] = CChar(UInt8(ascii: "x")) }
            }
        }
    }
}
