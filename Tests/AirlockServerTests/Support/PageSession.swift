@testable import AirlockServer
import AirlockServerTesting
import Foundation
import Testing
import Vapor
import VaporTesting

/// A person logged in through the login form, with the CSRF token their session's forms carry.
struct PageSession {
    let cookie: String
    let csrfToken: String

    static func logIn(_ username: String, on fixture: ServerFixture) async throws -> PageSession {
        let form = try await fixture.app.testing().sendRequest(.GET, "/login")
        let anonymousToken = try #require(csrfField(in: form.body.string))
        var headers = HTTPHeaders()
        headers.add(name: .cookie, value: "\(CSRF.anonymousCookieName)=\(anonymousToken)")
        headers.contentType = .urlEncodedForm
        let loggedIn = try await fixture.app.testing().sendRequest(.POST, "/login", headers: headers, body: ByteBuffer(
            string: "username=\(username)&password=\(ServerFixture.password.replacingOccurrences(of: " ", with: "+"))&csrf_token=\(anonymousToken)"))
        try #require(loggedIn.status == .seeOther, "\(loggedIn.status) \(loggedIn.body.string)")
        return try await signedIn(try #require(loggedIn.headers.setCookie?[WebSession.cookieName]?.string), on: fixture)
    }

    /// The session of `cookie` (a login's, or a sign-in's through the identity provider), with its forms' CSRF token.
    static func signedIn(_ cookie: String, on fixture: ServerFixture) async throws -> PageSession {
        var pageHeaders = HTTPHeaders()
        pageHeaders.add(name: .cookie, value: "\(WebSession.cookieName)=\(cookie)")
        let page = try await fixture.app.testing().sendRequest(.GET, "/settings/tokens", headers: pageHeaders)
        return PageSession(cookie: cookie, csrfToken: try #require(csrfField(in: page.body.string), "\(page.body.string)"))
    }

    /// Posts a page's form as this session.
    func post(_ path: String, _ fields: [String: String], on fixture: ServerFixture) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: .cookie, value: "\(WebSession.cookieName)=\(cookie)")
        headers.contentType = .urlEncodedForm
        let body = (fields.merging(["csrf_token": csrfToken]) { $1 }).map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return try await fixture.app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }

    private static func csrfField(in page: String) -> String? {
        page.firstMatch(of: /name="csrf_token" value="([A-Za-z0-9_-]+)"/).map { String($0.1) }
    }
}
