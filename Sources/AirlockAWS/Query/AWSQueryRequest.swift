import Foundation

/// One call of an AWS query-protocol API (STS, IAM): `POST /` with a form body.
public struct AWSQueryRequest: Sendable {
    public var service: String
    public var action: String
    public var version: String
    public var parameters: [(String, String)]
    /// False for calls that must never be sent twice, such as one carrying a one-time MFA code.
    public var retryable: Bool

    public init(service: String, action: String, version: String, parameters: [(String, String)] = [], retryable: Bool = true) {
        self.service = service
        self.action = action
        self.version = version
        self.parameters = parameters
        self.retryable = retryable
    }

    /// `Action=...&Version=...&...`, each part percent-encoded as AWS's SDKs do.
    var formBody: String {
        ([("Action", action), ("Version", version)] + parameters)
            .map { URIEncoding.encode($0.0) + "=" + URIEncoding.encode($0.1) }
            .joined(separator: "&")
    }
}
