/// An error answer from an AWS query API (`<ErrorResponse>`), described as the AWS CLI prints it:
/// `An error occurred (AccessDenied) when calling the AssumeRole operation: Access denied`.
public struct AWSServiceError: Error, Equatable, CustomStringConvertible {
    /// AWS's error code: `AccessDenied`, `ExpiredToken`, `Throttling`, ...
    public let code: String
    public let message: String
    public let requestID: String?
    /// The API action that failed, e.g. `AssumeRole`.
    public let operation: String
    public let httpStatus: Int

    public init(code: String, message: String, requestID: String?, operation: String, httpStatus: Int) {
        self.code = code
        self.message = message
        self.requestID = requestID
        self.operation = operation
        self.httpStatus = httpStatus
    }

    /// The message as sent, its control characters replaced (it comes from the network and goes to a terminal).
    public var description: String {
        "An error occurred (\(PrintableText.of(code, limit: 100))) when calling the \(operation) operation: \(PrintableText.of(message))"
    }

    /// Codes AWS uses to ask a client to slow down; such answers are retried.
    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "ProvisionedThroughputExceededException", "BandwidthLimitExceeded",
    ]

    /// True for throttling and for server-side (5xx) failures.
    public var isRetryable: Bool {
        Self.throttlingCodes.contains(code) || httpStatus >= 500 || httpStatus == 429
    }
}
