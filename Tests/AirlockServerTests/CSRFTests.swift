@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Every form of every page, from the route table: a post without the session's CSRF token, or with another, is
/// refused before anything runs, and the session stays logged in.
@Suite struct CSRFTests {
    @Test func everyFormNeedsTheSessionsCSRFToken() async throws {
        try await ServerFixture.with { fixture in
            _ = try await fixture.environment()
            let session = try await PageSession.logIn("olivia", on: fixture)
            let forms = fixture.app.routes.all.filter { route in
                let first = route.path.first?.description ?? ""
                return route.method == .POST && !["api", "state", "oauth2"].contains(first)
            }
            #expect(forms.count >= 25, "\(forms.count) forms")
            for route in forms {
                let path = "/" + route.path.map { component -> String in
                    if case let .parameter(name) = component { return ["organization": "acme", "environment": "prod"][name] ?? UUID().uuidString.lowercased() }
                    return component.description
                }.joined(separator: "/")
                for token in ["", "not-the-token"] {
                    var headers = HTTPHeaders()
                    headers.add(name: .cookie, value: "\(WebSession.cookieName)=\(session.cookie)")
                    headers.contentType = .urlEncodedForm
                    let refused = try await fixture.app.testing().sendRequest(.POST, path, headers: headers,
                                                                               body: ByteBuffer(string: "csrf_token=\(token)&organization=acme&name=forged"))
                    #expect(refused.status == .forbidden, "\(path) with token \"\(token)\"")
                    #expect(refused.body.string.contains("This form has expired or did not come from Airlock."), "\(path): \(refused.body.string.prefix(200))")
                }
            }
            // Nothing was written, and the session is still logged in.
            var headers = HTTPHeaders()
            headers.add(name: .cookie, value: "\(WebSession.cookieName)=\(session.cookie)")
            let environments = try await fixture.app.testing().sendRequest(.GET, "/terraform/acme/environments", headers: headers)
            #expect(environments.status == .ok && !environments.body.string.contains("forged"))
            #expect(try await Organization.query(on: fixture.app.db).filter(\.$name == "forged").count() == 0)
        }
    }
}
