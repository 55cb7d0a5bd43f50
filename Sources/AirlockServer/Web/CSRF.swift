import AirlockAWS
import Crypto
import Foundation
import Vapor

/// Cross-site request forgery protection: every form carries a random token in a hidden `csrf_token` field,
/// and `CSRFMiddleware` refuses a form post whose token does not match. A logged-in session keeps its token
/// in the session; an anonymous visitor (the login form) gets it in a cookie of its own, so that showing the
/// login page stores nothing on the server.
enum CSRF {
    static let fieldName = "csrf_token"
    /// The anonymous visitor's token (HttpOnly, SameSite=Strict).
    static let anonymousCookieName = "airlock_login_csrf"
    private static let sessionKey = "csrf"

    /// The token the request's forms carry: the session's, created on first use, or the anonymous one.
    static func token(for request: Request) -> String {
        guard request.hasSession else { return anonymousToken(for: request) }
        if let token = request.session.data[sessionKey] { return token }
        let token = RandomToken.make()
        request.session.data[sessionKey] = token
        return token
    }

    /// The hidden field every form includes.
    static func field(for request: Request) -> HTML {
        "<input type=\"hidden\" name=\"\(fieldName)\" value=\"\(token(for: request))\">"
    }

    /// The anonymous visitor's token: the one its cookie holds, or a new one that `setAnonymousCookie`
    /// must send.
    static func anonymousToken(for request: Request) -> String {
        if let existing = request.cookies[anonymousCookieName]?.string, existing.count == 43,
           existing.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0)
                                      || (0x41...0x5a).contains($0) || (0x61...0x7a).contains($0) }) {
            return existing
        }
        if let made = request.storage[AnonymousTokenKey.self] { return made }
        let made = RandomToken.make()
        request.storage[AnonymousTokenKey.self] = made
        return made
    }

    /// Sends the anonymous token's cookie when this request made one.
    static func setAnonymousCookie(on response: Response, for request: Request, secure: Bool) {
        guard let made = request.storage[AnonymousTokenKey.self] else { return }
        response.cookies[anonymousCookieName] = HTTPCookies.Value(string: made, maxAge: 60 * 60, path: SiteURL.login.path, isSecure: secure,
                                                                  isHTTPOnly: true, sameSite: .strict)
    }

    /// Whether `submitted` is the request's token (compared in constant time): the session's when it has
    /// one, otherwise the anonymous cookie's.
    static func isValid(_ submitted: String?, for request: Request) -> Bool {
        let expected = request.hasSession ? request.session.data[sessionKey] : request.cookies[anonymousCookieName]?.string
        guard let expected, let submitted else { return false }
        return ConstantTime.equal(expected, submitted)
    }

    private struct AnonymousTokenKey: StorageKey {
        typealias Value = String
    }
}

/// Refuses a POST to a page whose form lacks the request's CSRF token, before any handler runs.
struct CSRFMiddleware: AsyncMiddleware {
    struct Form: Decodable {
        let csrf_token: String?
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .POST {
            let submitted = try? request.content.decode(Form.self).csrf_token
            guard CSRF.isValid(submitted, for: request) else {
                throw Abort(.forbidden, reason: "This form has expired or did not come from Airlock. Reload the page and try again.")
            }
        }
        return try await next.respond(to: request)
    }
}
