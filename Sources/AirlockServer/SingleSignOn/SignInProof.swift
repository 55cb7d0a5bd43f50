import Foundation

/// What a browser session knows of its person's sign-in at the identity provider: when they last authenticated
/// there (`auth_time`) and how (`amr`). Password sessions and API tokens have none.
struct SignInProof: Sendable, Equatable {
    let authenticatedAt: Date?
    let methods: [String]

    /// RFC 8176's methods by kind of factor: something known, something held, something one is.
    static let factorKinds: [Set<String>] = [["pwd", "pin", "kba"], ["otp", "hwk", "swk", "sms", "tel", "sc", "pop"],
                                             ["face", "fpt", "iris", "retina", "vbm"]]

    /// Whether the provider says the person used more than one factor: `mfa`, or methods of two kinds (a one-time
    /// code alone, say an emailed one, is one factor).
    var hasSecondFactor: Bool {
        methods.contains("mfa") || Self.factorKinds.filter { !$0.isDisjoint(with: methods) }.count >= 2
    }

    /// How the audit names it: "signed in at the identity provider 3 min before (pwd, otp)".
    func describe(at now: Date) -> String {
        let when = authenticatedAt.map { "\(max(0, Int(now.timeIntervalSince($0) / 60))) min before" } ?? "at a time it does not report"
        return "signed in at the identity provider \(when)" + (methods.isEmpty ? "" : " (\(methods.joined(separator: ", ")))")
    }
}
