import Foundation

/// A set of AWS credentials: long-term access keys, or temporary ones with a session token.
///
/// `description` never shows the secret key or the session token, so credentials can be logged or
/// interpolated into an error by mistake without leaking.
public struct AWSCredentials: Sendable, Equatable, Codable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; `nil` for long-term keys.
    public var expiration: Date?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// True for temporary credentials (those that carry a session token).
    public var isTemporary: Bool { sessionToken != nil }
}

extension AWSCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>, sessionToken: \(sessionToken == nil ? "nil" : "<redacted>"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(reflecting: description) }
}
