/// A test peer that could not be started.
public enum TestServerError: Error, CustomStringConvertible {
    case notListening(String)
    case didNotStart(String, output: String)

    public var description: String {
        switch self {
        case let .notListening(name): "\(name) started but is not listening on any port"
        case let .didNotStart(name, output): "\(name) did not start: \(output)"
        }
    }
}
