import Crypto
import Foundation

/// Unguessable values: CSRF tokens, OpenID Connect's state, nonce and PKCE verifier, browser bindings.
enum RandomToken {
    /// 256 random bits, base64url without padding (43 characters).
    static func make() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64URLEncodedString }
    }
}
