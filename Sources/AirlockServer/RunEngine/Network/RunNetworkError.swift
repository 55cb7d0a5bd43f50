import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What went wrong setting up or using a run's network.
enum RunNetworkError: Error, CustomStringConvertible {
    /// The server may not make network namespaces (it needs CAP_SYS_ADMIN).
    case namespaceRefused(Int32)
    case socket(String, Int32)
    case timedOut

    var description: String {
        switch self {
        case let .namespaceRefused(code):
            "A run's network namespace could not be made (\(String(cString: strerror(code)))). Runs get a network of their own, "
                + "which needs airlock serve to run as root (its sandboxes drop every capability); "
                + "or choose --shared-run-network to let runs reach everything the server reaches (see docs/run-isolation.md)."
        case let .socket(call, code): "\(call) failed: \(String(cString: strerror(code)))"
        case .timedOut: "timed out"
        }
    }
}
