import Crypto
import Foundation
import _CryptoExtras

/// The provider's public signing keys (its `jwks_uri`), as they verify JWS signatures. Keys of a kind or use
/// Airlock does not verify with (encryption keys, symmetric keys) are left out: no ID token is ever checked
/// against a shared secret.
struct JSONWebKeySet: Sendable {
    /// One public key and the algorithms it may verify.
    struct Key: Sendable {
        let id: String?
        let verifier: SignatureVerifier
    }

    let keys: [Key]

    /// Parses a JWKS document; a key it cannot read is skipped (a provider may publish kinds Airlock never uses).
    init(document: Data) throws(SignInRefusal) {
        guard let object = try? JSONSerialization.jsonObject(with: document) as? [String: Any],
              let entries = object["keys"] as? [[String: Any]] else {
            throw .providerUnavailable("its key set (jwks_uri) is not a JSON Web Key Set")
        }
        keys = entries.compactMap(Self.key(from:))
    }

    /// The key with `id` that verifies `algorithm`; with no id, the only key that does.
    func key(id: String?, for algorithm: SignatureAlgorithm) -> Key? {
        let candidates = keys.filter { $0.verifier.verifies(algorithm) }
        if let id { return candidates.first { $0.id == id } }
        return candidates.count == 1 ? candidates[0] : nil
    }

    private static func key(from entry: [String: Any]) -> Key? {
        if let use = entry["use"] as? String, use != "sig" { return nil }
        let declared = (entry["alg"] as? String).map(SignatureAlgorithm.init(rawValue:))
        if declared == .some(nil) { return nil }  // an algorithm Airlock does not accept
        let id = entry["kid"] as? String
        switch entry["kty"] as? String {
        case "RSA":
            guard let n = (entry["n"] as? String).flatMap(Data.init(base64URLEncoded:)),
                  let e = (entry["e"] as? String).flatMap(Data.init(base64URLEncoded:)),
                  let key = try? _RSA.Signing.PublicKey(n: n, e: e) else { return nil }
            return Key(id: id, verifier: .rsa(key, only: declared ?? nil))
        case "EC":
            guard let x = (entry["x"] as? String).flatMap(Data.init(base64URLEncoded:)),
                  let y = (entry["y"] as? String).flatMap(Data.init(base64URLEncoded:)) else { return nil }
            let point = Data([0x04]) + x + y
            switch entry["crv"] as? String {
            case "P-256": return (try? P256.Signing.PublicKey(x963Representation: point)).map { Key(id: id, verifier: .p256($0)) }
            case "P-384": return (try? P384.Signing.PublicKey(x963Representation: point)).map { Key(id: id, verifier: .p384($0)) }
            default: return nil
            }
        default:
            return nil
        }
    }
}

/// The JWS algorithms Airlock accepts for ID tokens: asymmetric ones only (never `none`, never HMAC).
enum SignatureAlgorithm: String, Sendable, CaseIterable {
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
    case es256 = "ES256", es384 = "ES384"
}

/// A public key, able to check one JWS signature.
enum SignatureVerifier: Sendable {
    /// An RSA key; `only` when the key set pins it to one algorithm.
    case rsa(_RSA.Signing.PublicKey, only: SignatureAlgorithm?)
    case p256(P256.Signing.PublicKey)
    case p384(P384.Signing.PublicKey)

    func verifies(_ algorithm: SignatureAlgorithm) -> Bool {
        switch (self, algorithm) {
        case let (.rsa(_, only), .rs256), let (.rsa(_, only), .rs384), let (.rsa(_, only), .rs512),
             let (.rsa(_, only), .ps256), let (.rsa(_, only), .ps384), let (.rsa(_, only), .ps512):
            only == nil || only == algorithm
        case (.p256, .es256), (.p384, .es384): true
        default: false
        }
    }

    /// Whether `signature` signs `input` (the JWS signing input, `header.payload`) with `algorithm`.
    func isValid(_ signature: Data, of input: Data, with algorithm: SignatureAlgorithm) -> Bool {
        guard verifies(algorithm) else { return false }
        switch self {
        case let .rsa(key, _):
            let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch algorithm {
            case .rs256: return key.isValidSignature(rsaSignature, for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
            case .rs384: return key.isValidSignature(rsaSignature, for: SHA384.hash(data: input), padding: .insecurePKCS1v1_5)
            case .rs512: return key.isValidSignature(rsaSignature, for: SHA512.hash(data: input), padding: .insecurePKCS1v1_5)
            case .ps256: return key.isValidSignature(rsaSignature, for: SHA256.hash(data: input), padding: .PSS)
            case .ps384: return key.isValidSignature(rsaSignature, for: SHA384.hash(data: input), padding: .PSS)
            case .ps512: return key.isValidSignature(rsaSignature, for: SHA512.hash(data: input), padding: .PSS)
            case .es256, .es384: return false
            }
        case let .p256(key):
            guard let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: SHA256.hash(data: input))
        case let .p384(key):
            guard let ecdsa = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: SHA384.hash(data: input))
        }
    }
}
