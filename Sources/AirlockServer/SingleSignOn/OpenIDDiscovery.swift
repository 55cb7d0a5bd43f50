import Foundation

/// What Airlock reads of the provider's discovery document (`/.well-known/openid-configuration`).
struct OpenIDDiscovery: Sendable {
    let authorizationEndpoint: String
    let tokenEndpoint: String
    let jwksURI: String
    /// The ID token algorithms both the provider and Airlock support.
    let acceptedAlgorithms: Set<SignatureAlgorithm>
    /// `client_secret_basic` unless the provider supports only `client_secret_post`.
    let usesBasicClientAuthentication: Bool

    /// Refuses a document of another issuer, one without the endpoints the code flow needs, one whose endpoints
    /// are not https (plain http only for an issuer on loopback itself), and a provider without S256 PKCE when it
    /// lists its methods.
    init(data: Data, issuer: String) throws(SignInRefusal) {
        guard let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .providerUnavailable("its discovery document is not JSON")
        }
        guard document["issuer"] as? String == issuer else {
            throw .providerUnavailable("its discovery document names another issuer than --oidc-issuer \(issuer)")
        }
        let plainHTTP = Self.isLoopbackHTTP(issuer)
        guard let authorization = document["authorization_endpoint"] as? String, Self.isSafe(authorization, plainHTTP: plainHTTP),
              let token = document["token_endpoint"] as? String, Self.isSafe(token, plainHTTP: plainHTTP),
              let jwks = document["jwks_uri"] as? String, Self.isSafe(jwks, plainHTTP: plainHTTP) else {
            throw .providerUnavailable("its discovery document lacks an https authorization_endpoint, token_endpoint or jwks_uri")
        }
        if let methods = document["code_challenge_methods_supported"] as? [String], !methods.contains("S256") {
            throw .providerUnavailable("it does not support PKCE with S256, which Airlock requires")
        }
        let listed = (document["id_token_signing_alg_values_supported"] as? [String]) ?? ["RS256"]
        acceptedAlgorithms = Set(listed.compactMap(SignatureAlgorithm.init(rawValue:)))
        guard !acceptedAlgorithms.isEmpty else {
            throw .providerUnavailable("it signs ID tokens only with algorithms Airlock does not accept (\(listed.joined(separator: ", ")))")
        }
        let authentication = (document["token_endpoint_auth_methods_supported"] as? [String]) ?? ["client_secret_basic"]
        usesBasicClientAuthentication = authentication.contains("client_secret_basic") || !authentication.contains("client_secret_post")
        authorizationEndpoint = authorization
        tokenEndpoint = token
        jwksURI = jwks
    }

    /// https; http to loopback only when the issuer itself is (a provider on this machine).
    private static func isSafe(_ address: String, plainHTTP: Bool) -> Bool {
        guard let url = URL(string: address), url.host != nil, let scheme = url.scheme?.lowercased() else { return false }
        return scheme == "https" || (plainHTTP && isLoopbackHTTP(address))
    }

    static func isLoopbackHTTP(_ address: String) -> Bool {
        guard let url = URL(string: address), url.scheme?.lowercased() == "http", let host = url.host else { return false }
        return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }
}
