import Foundation

/// A refusal from an Airlock server, or a failure to reach it, with a message a user can act on.
public enum AirlockAPIError: Error, CustomStringConvertible, Equatable {
    /// The server answered with an error: its HTTP status, stable code and message.
    case refused(status: Int, code: String, message: String)
    /// The server could not be reached or answered something that is not Airlock's API.
    case unreachable(server: String, reason: String)

    public var description: String {
        switch self {
        case let .refused(_, _, message): message
        case let .unreachable(server, reason): "Cannot reach the Airlock server at \(server): \(reason)"
        }
    }
}
