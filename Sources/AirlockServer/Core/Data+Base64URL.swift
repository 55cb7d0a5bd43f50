import Foundation

extension Data {
    /// Base64url (RFC 4648 §5) without padding: safe in URLs, cookies and PKCE challenges.
    var base64URLEncodedString: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
