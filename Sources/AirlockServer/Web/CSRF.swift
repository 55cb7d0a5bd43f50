import Crypto
import Foundation
import Vapor

/// Cross-site request forgery protection: each session has a random token, every form carries it in a hidden
/// `csrf_token` field, and `CSRFMiddleware` refuses a form post whose token does not match.
enum CSRF {
    static let fieldName = "csrf_token"
    private static let sessionKey = "csrf"

    /// The session's token, created (with the session) on first use.
    static func token(for request: Request) -> String {
        if let token = request.session.data[sessionKey] { return token }
        let token = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        request.session.data[sessionKey] = token
        return token
    }

    /// The hidden field every form includes.
    static func field(for request: Request) -> HTML {
        "<input type=\"hidden\" name=\"\(fieldName)\" value=\"\(token(for: request))\">"
    }

    /// Whether `submitted` is the session's token (compared in constant time).
    static func isValid(_ submitted: String?, for request: Request) -> Bool {
        guard request.hasSession, let expected = request.session.data[sessionKey], let submitted else { return false }
        let lhs = Array(expected.utf8), rhs = Array(submitted.utf8)
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Refuses a POST to a page whose form lacks the session's CSRF token, before any handler runs.
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
