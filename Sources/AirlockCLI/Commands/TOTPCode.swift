import AirlockAWS
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock totp`: prints the current code of a virtual MFA device from its base32 seed, like `oathtool --totp`.
    struct TOTPCode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "totp",
            abstract: "Print the current one-time code for a virtual MFA device's base32 seed.",
            discussion: "The seed is read from the AIRLOCK_TOTP_SECRET environment variable so it stays out of shell history and process lists."
        )

        @Option(help: "Hash algorithm: SHA1, SHA256 or SHA512.")
        var algorithm: String = "SHA1"

        @Option(help: "Digits per code.")
        var digits: Int = 6

        @Option(help: "Seconds per code.")
        var step: Int = 30

        @Option(help: "Print the code for this many steps from now (negative for past steps).")
        var offset: Int = 0

        func validate() throws {
            guard TOTP.Algorithm(rawValue: algorithm.uppercased()) != nil else {
                throw ValidationError("--algorithm must be SHA1, SHA256 or SHA512.")
            }
            guard (1...10).contains(digits) else { throw ValidationError("--digits must be 1 to 10.") }
            guard step > 0 else { throw ValidationError("--step must be positive.") }
        }

        func run() throws {
            guard let secret = ProcessInfo.processInfo.environment["AIRLOCK_TOTP_SECRET"], !secret.isEmpty else {
                throw ValidationError("Set AIRLOCK_TOTP_SECRET to the device's base32 seed.")
            }
            let totp = try TOTP(base32Secret: secret, algorithm: TOTP.Algorithm(rawValue: algorithm.uppercased())!, digits: digits, step: step)
            print(totp.code(at: Date().addingTimeInterval(TimeInterval(offset * step))))
        }
    }
}
