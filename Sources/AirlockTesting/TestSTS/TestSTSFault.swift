/// A failure the test STS answers with instead of handling the next request, to exercise retries.
public enum TestSTSFault: Sendable, Equatable {
    /// HTTP 400 `Throttling`: `Rate exceeded`.
    case throttling
    /// HTTP 500 `InternalFailure`.
    case internalError
    /// HTTP 503 `ServiceUnavailable`.
    case serviceUnavailable
    /// Wait this long before answering, to exercise request timeouts.
    case delay(Duration)
}
