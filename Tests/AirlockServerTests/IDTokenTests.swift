@testable import AirlockServer
import Crypto
import Foundation
import Testing
import _CryptoExtras

/// The ID token checks, on tokens this test signs: the accepted algorithms only (never `none`, never HMAC keyed with
/// the public key), the key the header names, a signature over exactly what was signed, the issuer, the audience and
/// authorized party, the times (with a minute's skew either way) and the nonce.
@Suite struct IDTokenTests {
    static let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let ec = P256.Signing.PrivateKey()
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static var keys: JSONWebKeySet {
        get throws {
            let primitives = try rsa.publicKey.getKeyPrimitives()
            let point = ec.publicKey.x963Representation.dropFirst()
            let document: [String: Any] = ["keys": [
                ["kty": "RSA", "kid": "rsa-1", "use": "sig", "n": primitives.modulus.base64URLEncodedString,
                 "e": primitives.publicExponent.base64URLEncodedString],
                ["kty": "EC", "kid": "ec-1", "crv": "P-256", "x": Data(point.prefix(32)).base64URLEncodedString,
                 "y": Data(point.suffix(32)).base64URLEncodedString],
                ["kty": "oct", "kid": "shared", "k": Data("secret".utf8).base64URLEncodedString],
            ]]
            return try JSONWebKeySet(document: try JSONSerialization.data(withJSONObject: document))
        }
    }

    static func claims(_ changes: [String: Any] = [:]) -> [String: Any] {
        var claims: [String: Any] = ["iss": "https://login.example.com", "aud": "airlock", "sub": "alice-id", "nonce": "the-nonce",
                                     "iat": now.timeIntervalSince1970, "exp": now.timeIntervalSince1970 + 300]
        for (key, value) in changes { claims[key] = value }
        return claims
    }

    static func token(_ claims: [String: Any], header: [String: Any] = ["alg": "RS256", "kid": "rsa-1"]) throws -> String {
        let input = try JSONSerialization.data(withJSONObject: header).base64URLEncodedString + "."
            + JSONSerialization.data(withJSONObject: claims).base64URLEncodedString
        let signature: Data
        switch header["alg"] as? String {
        case "RS256": signature = try rsa.signature(for: SHA256.hash(data: Data(input.utf8)), padding: .insecurePKCS1v1_5).rawRepresentation
        case "ES256": signature = try ec.signature(for: SHA256.hash(data: Data(input.utf8))).rawRepresentation
        case "HS256":
            let key = SymmetricKey(data: try rsa.publicKey.getKeyPrimitives().modulus)
            signature = Data(HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: key))
        default: signature = Data()
        }
        return input + "." + signature.base64URLEncodedString
    }

    static func verify(_ token: String) throws(SignInRefusal) -> [String: ClaimValue] {
        let keys: JSONWebKeySet
        do { keys = try Self.keys } catch { throw .tokenRefused(.malformed) }
        return try IDToken.verify(token, keys: keys, acceptedAlgorithms: [.rs256, .es256], issuer: "https://login.example.com",
                                  clientID: "airlock", nonce: "the-nonce", now: now)
    }

    static func problem(_ token: String) -> IDTokenProblem? {
        do {
            _ = try verify(token)
            return nil
        } catch {
            if case let .tokenRefused(problem) = error { return problem }
            return nil
        }
    }

    @Test func aGoodTokenOfEitherKeyIsAccepted() throws {
        #expect(try Self.verify(try Self.token(Self.claims()))["sub"] == .string("alice-id"))
        #expect(try Self.verify(try Self.token(Self.claims(), header: ["alg": "ES256", "kid": "ec-1"]))["sub"] == .string("alice-id"))
        // Several audiences, this server the authorized party; and a minute's skew either way.
        #expect(Self.problem(try Self.token(Self.claims(["aud": ["airlock", "other"], "azp": "airlock"]))) == nil)
        #expect(Self.problem(try Self.token(Self.claims(["exp": Self.now.timeIntervalSince1970 - 30]))) == nil)
        #expect(Self.problem(try Self.token(Self.claims(["iat": Self.now.timeIntervalSince1970 + 30]))) == nil)
    }

    @Test func forgedAndMisdirectedTokensAreRefused() throws {
        let good = try Self.token(Self.claims())
        let parts = good.split(separator: ".").map(String.init)
        // The payload changed after signing (another subject), the signature kept.
        let forgedPayload = try JSONSerialization.data(withJSONObject: Self.claims(["sub": "admin"])).base64URLEncodedString
        #expect(Self.problem(parts[0] + "." + forgedPayload + "." + parts[2]) == .signature)
        // No signature at all, and HMAC keyed with the public key (algorithm confusion).
        let unsigned = try JSONSerialization.data(withJSONObject: ["alg": "none"]).base64URLEncodedString + "." + parts[1] + "."
        #expect(Self.problem(unsigned) == .algorithm("none"))
        #expect(Self.problem(try Self.token(Self.claims(), header: ["alg": "HS256", "kid": "shared"])) == .algorithm("HS256"))
        // An accepted algorithm with the other kind of key, and a key the set does not hold.
        #expect(Self.problem(try Self.token(Self.claims(), header: ["alg": "RS256", "kid": "ec-1"])) == .unknownKey)
        #expect(Self.problem(try Self.token(Self.claims(), header: ["alg": "RS256", "kid": "rotated"])) == .unknownKey)
        #expect(Self.problem(try Self.token(Self.claims(), header: ["alg": "RS256", "kid": "rsa-1", "crit": ["exp"]])) == .algorithm("RS256"))
        #expect(Self.problem("not.a-token") == .malformed)
        #expect(Self.problem(parts[0] + "." + parts[1]) == .malformed)
    }

    @Test func theClaimsMustBeForThisServerNowAndThisSignIn() throws {
        let cases: [([String: Any], IDTokenProblem)] = [
            (["iss": "https://login.example.com/"], .issuer),
            (["aud": "another-application"], .audience),
            (["aud": ["airlock", "other"]], .audience),  // several audiences and no authorized party
            (["aud": ["airlock"], "azp": "other"], .audience),
            (["exp": Self.now.timeIntervalSince1970 - 61], .expired),
            (["exp": "tomorrow"], .expired),
            (["exp": true], .expired),
            (["iat": Self.now.timeIntervalSince1970 + 61], .issuedInTheFuture),
            (["nonce": "another"], .nonce),
            (["sub": ""], .subject),
        ]
        for (changes, problem) in cases {
            #expect(Self.problem(try Self.token(Self.claims(changes))) == problem, "\(changes)")
        }
        var noNonce = Self.claims()
        noNonce["nonce"] = nil
        #expect(Self.problem(try Self.token(noNonce)) == .nonce)
    }
}
