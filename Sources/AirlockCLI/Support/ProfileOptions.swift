import AirlockAWS
import ArgumentParser

/// The options every credential command shares.
struct ProfileOptions: ParsableArguments {
    @Option(name: .long, help: "The profile in ~/.aws/config to use (default: $AWS_PROFILE, then \"default\").")
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("The current code of the profile's MFA device, instead of a prompt.", valueName: "code"))
    var mfaCode: String?

    @Option(name: .long, help: ArgumentHelp("Role session length, as seconds or with units (1h, 15m, 1h30m).", valueName: "duration"))
    var duration: DurationOption?

    @Flag(name: .long, help: "Neither read nor write the shared role session cache (~/.aws/cli/cache).")
    var noCache = false

    func validate() throws {
        if let mfaCode, !MFACodeRequest.isWellFormed(mfaCode) {
            throw ValidationError("--mfa-code must be the 6 digits your MFA device shows.")
        }
        if let duration, !(900...43200).contains(duration.seconds) {
            throw ValidationError("--duration must be between 15m and 12h.")
        }
    }
}
