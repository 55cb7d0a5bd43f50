import AirlockAWS
import ArgumentParser
import Foundation

/// The options every credential command shares.
struct ProfileOptions: ParsableArguments {
    @Option(name: .long, help: "The profile in ~/.aws/config to use (default: $AWS_PROFILE, then \"default\").")
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("The current code of the profile's MFA device, instead of a prompt (other users may see a command's arguments while it starts: --mfa-code-stdin does not show it).", valueName: "code"))
    var mfaCode: String?

    @Flag(name: .long, help: "Read the MFA code from the first line of standard input, instead of a prompt.")
    var mfaCodeStdin = false

    @Option(name: .long, help: ArgumentHelp("Role session length, as seconds or with units (1h, 15m, 1h30m).", valueName: "duration"))
    var duration: DurationOption?

    @Flag(name: .long, help: "Neither read nor write the shared role session cache (~/.aws/cli/cache).")
    var noCache = false

    func validate() throws {
        if mfaCode != nil && mfaCodeStdin { throw ValidationError("Give the MFA code one way: --mfa-code or --mfa-code-stdin.") }
        if let mfaCode, !MFACodeRequest.isWellFormed(mfaCode) {
            throw ValidationError("--mfa-code must be the 6 digits your MFA device shows.")
        }
        if let duration, !(900...43200).contains(duration.seconds) {
            throw ValidationError("--duration must be between 15m and 12h.")
        }
    }

    /// The code given on the command line or on standard input, if any; one from the command line is then blanked
    /// in this process's arguments, so that `ps` and /proc show it no longer.
    func givenMFACode() throws -> String? {
        if let mfaCode {
            ArgumentScrubber.blank(mfaCode)
            return mfaCode
        }
        guard mfaCodeStdin else { return nil }
        let line = (StandardInputLine.read() ?? "").trimmingCharacters(in: .whitespaces)
        guard MFACodeRequest.isWellFormed(line) else {
            throw ValidationError("--mfa-code-stdin: the first line of standard input must be the 6 digits your MFA device shows.")
        }
        return line
    }
}
