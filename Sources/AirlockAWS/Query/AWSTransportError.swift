/// A request that got no usable answer from AWS. Descriptions follow botocore's wording.
public enum AWSTransportError: Error, Equatable, CustomStringConvertible {
    case connectTimeout(endpoint: String)
    case requestTimeout(endpoint: String)
    case connectionFailed(endpoint: String, reason: String)
    /// An answer that is not the XML the API defines (e.g. a proxy's HTML page).
    case unreadableResponse(endpoint: String, httpStatus: Int, reason: String)

    public var description: String {
        switch self {
        case let .connectTimeout(endpoint):
            "Connect timeout on endpoint URL: \"\(endpoint)\""
        case let .requestTimeout(endpoint):
            "Read timeout on endpoint URL: \"\(endpoint)\""
        case let .connectionFailed(endpoint, reason):
            "Could not connect to the endpoint URL: \"\(endpoint)\" (\(reason))"
        case let .unreadableResponse(endpoint, status, reason):
            "Unexpected answer from \"\(endpoint)\" (HTTP \(status)): \(reason)"
        }
    }
}
