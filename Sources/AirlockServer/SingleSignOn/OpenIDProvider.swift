import AirlockAWS
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The operator's OpenID Connect provider as this server talks to it: its discovery document and key set (each
/// fetched when first needed and kept for an hour; the key set again at once when a token names a key it lacks,
/// at most once a minute), and the code-for-token exchange. One per server, shared by every request.
actor OpenIDProvider {
    let configuration: SingleSignOnConfiguration
    private let client: HTTPClient
    private var discovery: (document: OpenIDDiscovery, fetchedAt: Date)?
    private var keySet: (keys: JSONWebKeySet, fetchedAt: Date)?
    private static let keepFor: TimeInterval = 60 * 60
    private static let refetchKeysAfter: TimeInterval = 60

    init(configuration: SingleSignOnConfiguration) {
        self.configuration = configuration
        var http = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
        http.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: http)
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// The discovery document, checked to be this issuer's.
    func document(now: Date) async throws(SignInRefusal) -> OpenIDDiscovery {
        if let discovery, now.timeIntervalSince(discovery.fetchedAt) < Self.keepFor { return discovery.document }
        let address = configuration.issuer.hasSuffix("/") ? configuration.issuer + ".well-known/openid-configuration"
            : configuration.issuer + "/.well-known/openid-configuration"
        let data = try await get(address, what: "its discovery document")
        let document = try OpenIDDiscovery(data: data, issuer: configuration.issuer)  // endpoints checked against it
        discovery = (document, now)
        return document
    }

    /// The origin of the provider's authorization endpoint (`https://login.example.com`), where a step-up's form
    /// submission is redirected: a page with such a form names it in its `form-action`. Nil while the provider cannot
    /// be reached (the step-up then fails on the page that says so), and for an endpoint whose origin is not plain
    /// (it goes into a header: no character of it may end the directive or start another).
    func authorizationOrigin(now: Date) async -> String? {
        guard let document = try? await document(now: now), let url = URLComponents(string: document.authorizationEndpoint),
              let scheme = url.scheme?.lowercased(), ["https", "http"].contains(scheme), let host = url.percentEncodedHost,
              !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-[]:".contains($0)) }) else { return nil }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// The key set; fetched again when `missingKey` (a token named a key the set lacks) and the last fetch is over a
    /// minute old.
    func keys(now: Date, missingKey: Bool = false) async throws(SignInRefusal) -> JSONWebKeySet {
        if let keySet {
            let age = now.timeIntervalSince(keySet.fetchedAt)
            if age < Self.keepFor, !missingKey || age < Self.refetchKeysAfter { return keySet.keys }
        }
        let document = try await document(now: now)
        let keys = try JSONWebKeySet(document: try await get(document.jwksURI, what: "its key set (jwks_uri)"))
        keySet = (keys, now)
        return keys
    }

    /// Trades an authorization code for the provider's ID token (the access token is not kept).
    func exchange(code: String, verifier: String, redirectURI: String, now: Date) async throws(SignInRefusal) -> String {
        let document = try await document(now: now)
        var form = ["grant_type": "authorization_code", "code": code, "redirect_uri": redirectURI, "code_verifier": verifier]
        var request = HTTPClientRequest(url: document.tokenEndpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        if document.usesBasicClientAuthentication {
            let pair = URIEncoding.encode(configuration.clientID) + ":" + URIEncoding.encode(configuration.clientSecret)
            request.headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
        } else {
            form["client_id"] = configuration.clientID
            form["client_secret"] = configuration.clientSecret
        }
        request.body = .bytes(ByteBuffer(string: form.sorted { $0.key < $1.key }.map { URIEncoding.encode($0.key) + "=" + URIEncoding.encode($0.value) }
            .joined(separator: "&")))
        let (status, body) = try await send(request, what: "its token endpoint")
        let answer = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        guard status == 200 else {
            if let error = answer?["error"] as? String { throw .providerDeclined(error: SignInRefusal.printable(error)) }
            throw .providerUnavailable("its token endpoint answered HTTP \(status)")
        }
        guard let idToken = answer?["id_token"] as? String else {
            throw .providerUnavailable("its token endpoint answered without an ID token (is \"openid\" among the scopes?)")
        }
        return idToken
    }

    private func get(_ address: String, what: String) async throws(SignInRefusal) -> Data {
        var request = HTTPClientRequest(url: address)
        request.headers.add(name: "Accept", value: "application/json")
        let (status, body) = try await send(request, what: what)
        guard status == 200 else { throw .providerUnavailable("\(what) answered HTTP \(status)") }
        return body
    }

    private func send(_ request: HTTPClientRequest, what: String) async throws(SignInRefusal) -> (Int, Data) {
        do {
            let response = try await client.execute(request, timeout: .seconds(15))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), Data(body.readableBytesView))
        } catch {
            // The detail (addresses, TLS) is for the operator's log, not for anonymous visitors.
            Logger(label: "airlock.sign-in").warning("The identity provider's \(what) could not be read: \(String(describing: error).prefix(300))")
            throw .providerUnavailable("\(what) could not be read")
        }
    }
}
