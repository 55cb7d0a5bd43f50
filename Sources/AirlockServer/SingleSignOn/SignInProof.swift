import Foundation

/// What a browser session knows of its person's sign-in at the identity provider: when they last authenticated
/// there (`auth_time`) and how (`amr`). Password sessions and API tokens have none.
struct SignInProof: Sendable, Equatable {
    let authenticatedAt: Date?
    let methods: [String]

    /// RFC 8176's methods that prove a factor beyond a password: `mfa` itself, something held, or something one is.
    static let secondFactors: Set<String> = ["mfa", "otp", "hwk", "swk", "sms", "tel", "sc", "pop", "face", "fpt", "iris", "retina", "vbm"]

    /// Whether the provider says the person used a second factor.
    var hasSecondFactor: Bool { !Self.secondFactors.isDisjoint(with: methods) }

    /// How the audit names it: "signed in at the identity provider 3 min before (pwd, otp)".
    func describe(at now: Date) -> String {
        let when = authenticatedAt.map { "\(max(0, Int(now.timeIntervalSince($0) / 60))) min before" } ?? "at a time it does not report"
        return "signed in at the identity provider \(when)" + (methods.isEmpty ? "" : " (\(methods.joined(separator: ", ")))")
    }
}
