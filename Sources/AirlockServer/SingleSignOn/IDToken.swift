import AirlockAWS
import Foundation

/// An OpenID Connect ID token, verified: signed by a key of the provider's set with an accepted algorithm, from
/// the configured issuer, for this server's client, within its lifetime, and for the sign-in whose nonce it
/// carries. Only then are its claims read (`IdentityClaims`).
enum IDToken {
    /// How far the provider's clock may run ahead of or behind this server's.
    static let clockSkew: TimeInterval = 60

    static func verify(_ token: String, keys: JSONWebKeySet, acceptedAlgorithms: Set<SignatureAlgorithm>, issuer: String,
                       clientID: String, nonce: String, now: Date) throws(SignInRefusal) -> [String: ClaimValue] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 64 * 1024,
              let headerData = Data(base64URLEncoded: String(parts[0])), let payloadData = Data(base64URLEncoded: String(parts[1])),
              let signature = Data(base64URLEncoded: String(parts[2])),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
              let claims = try? JSONDecoder().decode([String: ClaimValue].self, from: payloadData) else {
            throw .tokenRefused(.malformed)
        }
        // The algorithm comes from the header, so only the accepted asymmetric ones are read at all: `none` and
        // HMAC (whose "key" would be a public key an attacker knows) never verify anything.
        let name = header["alg"] as? String ?? ""
        guard let algorithm = SignatureAlgorithm(rawValue: name), acceptedAlgorithms.contains(algorithm), header["crit"] == nil else {
            throw .tokenRefused(.algorithm(name))
        }
        guard let key = keys.key(id: header["kid"] as? String, for: algorithm) else { throw .tokenRefused(.unknownKey) }
        guard key.verifier.isValid(signature, of: Data(parts[0].utf8) + Data(".".utf8) + Data(parts[1].utf8), with: algorithm) else {
            throw .tokenRefused(.signature)
        }
        guard claims["iss"]?.string == issuer else { throw .tokenRefused(.issuer) }
        let audiences = claims["aud"]?.strings ?? []
        guard audiences.contains(clientID) else { throw .tokenRefused(.audience) }
        // With several audiences, the party it was issued to must be this server (OpenID Connect Core 3.1.3.7).
        if audiences.count > 1 || claims["azp"] != nil, claims["azp"]?.string != clientID { throw .tokenRefused(.audience) }
        let current = now.timeIntervalSince1970
        guard let expires = claims["exp"]?.seconds, expires + clockSkew > current else { throw .tokenRefused(.expired) }
        for claim in ["iat", "nbf"] {
            if let start = claims[claim]?.seconds, start - clockSkew > current { throw .tokenRefused(.issuedInTheFuture) }
        }
        guard let carried = claims["nonce"]?.string, ConstantTime.equal(carried, nonce) else { throw .tokenRefused(.nonce) }
        guard let subject = claims["sub"]?.string, !subject.isEmpty, subject.utf8.count <= 255 else { throw .tokenRefused(.subject) }
        return claims
    }
}
