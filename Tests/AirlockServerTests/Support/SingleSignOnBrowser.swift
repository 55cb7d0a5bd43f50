@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Foundation
import Testing
import Vapor
import VaporTesting

/// A browser's sign-in through the identity provider, step by step, against the in-process server and the real
/// provider: leave for the provider (`start`), sign in there (`OpenIDProviderProcess.authorize`), come back
/// (`finish`). Keeps the cookie the server binds the sign-in to.
struct SingleSignOnBrowser {
    let fixture: ServerFixture
    let provider: OpenIDProviderProcess
    var bindingCookie: String?

    init(_ fixture: ServerFixture, _ provider: OpenIDProviderProcess) {
        self.fixture = fixture
        self.provider = provider
    }

    /// Opens `/login/sso`; returns the provider's authorization URL the server sent the browser to.
    mutating func start(next: String = "/") async throws -> String {
        let response = try await fixture.app.testing().sendRequest(.GET, "/login/sso?next=\(next)")
        try #require(response.status == .seeOther, "\(response.status) \(response.body.string)")
        bindingCookie = response.headers.setCookie?[SingleSignOnPages.browserCookie(secure: false)]?.string
        return try #require(response.headers.first(name: .location))
    }

    /// Comes back to the server at `callback` (the provider's redirect), with `session` when the browser is signed in
    /// here already; returns the server's answer.
    func finish(_ callback: String, cookie: String? = nil, session: String? = nil) async throws -> TestingHTTPResponse {
        let url = try #require(URLComponents(string: callback))
        var headers = HTTPHeaders()
        var cookies: [String] = []
        if let binding = cookie ?? bindingCookie { cookies.append("\(SingleSignOnPages.browserCookie(secure: false))=\(binding)") }
        if let session { cookies.append("\(WebSession.cookieName)=\(session)") }
        if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.joined(separator: "; ")) }
        return try await fixture.app.testing().sendRequest(.GET, url.path + "?" + (url.percentEncodedQuery ?? ""), headers: headers)
    }

    /// The whole sign-in as `subject`; returns the server's answer to the callback.
    mutating func signIn(as subject: String, next: String = "/") async throws -> TestingHTTPResponse {
        let authorization = try await start(next: next)
        return try await finish(try await provider.authorize(authorization, as: subject))
    }
}
