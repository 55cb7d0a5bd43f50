import Foundation

/// What Airlock takes from a verified ID token, by the operator's choice of claims.
struct IdentityClaims: Sendable {
    /// The provider's stable id of the person (`sub`).
    let subject: String
    /// The username a first sign-in gives the person: the username claim, lowercased; of an address in the operator's
    /// username domain (`--oidc-username-domain`), the part before the @.
    let username: String
    /// The `email` claim, lowercased, only when the provider says it verified it (`email_verified`, which speaks of
    /// that claim only) and it is plain ASCII.
    let verifiedEmail: String?
    let groups: [String]
    /// When the person last authenticated at the provider (`auth_time`), if it says.
    let authenticatedAt: Date?
    /// How they authenticated (`amr`, e.g. `pwd`, `otp`, `mfa`, `hwk`), if the provider says.
    let methods: [String]

    init(_ claims: [String: ClaimValue], configuration: SingleSignOnConfiguration) throws(SignInRefusal) {
        subject = claims["sub"]?.string ?? ""
        guard let raw = claims[configuration.usernameClaim]?.string else { throw .missingClaim(configuration.usernameClaim) }
        // ASCII before lowercasing: Unicode's case mapping would turn a Kelvin sign into a "k" and hand its holder
        // someone else's name.
        guard raw.unicodeScalars.allSatisfy(\.isASCII) else { throw .invalidUsername(claim: configuration.usernameClaim) }
        var candidate = raw.lowercased()
        if let domain = configuration.usernameDomain, candidate.hasSuffix("@" + domain) { candidate.removeLast(domain.count + 1) }
        guard let username = try? ResourceName.validated(candidate, names: "Usernames") else {
            throw .invalidUsername(claim: configuration.usernameClaim)
        }
        self.username = username
        let email = claims["email"]?.string.flatMap { $0.unicodeScalars.allSatisfy(\.isASCII) ? $0.lowercased() : nil }
        verifiedEmail = (claims["email_verified"]?.isTrue ?? false) ? email : nil
        groups = Array((claims[configuration.groupsClaim]?.strings ?? []).filter { !$0.isEmpty && $0.unicodeScalars.count <= 256 }.prefix(1000))
        authenticatedAt = claims["auth_time"]?.seconds.map(Date.init(timeIntervalSince1970:))
        methods = (claims["amr"]?.strings ?? []).filter { $0.count <= 32 && $0.unicodeScalars.allSatisfy { $0.isASCII && CharacterSet.alphanumerics.contains($0) } }
            .prefix(16).map { $0 }
    }
}
