import Vapor

/// A one-time message shown on the next page after a form: what happened, or why it did not.
struct Flash: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        case success
        case error
    }

    let kind: Kind
    let message: String

    private static let sessionKey = "flash"

    /// Stores the message for the next page this session shows.
    static func set(_ kind: Kind, _ message: String, on request: Request) {
        request.session.data[sessionKey] = "\(kind.rawValue):\(message)"
    }

    /// The pending message, removed from the session.
    static func take(from request: Request) -> Flash? {
        guard request.hasSession, let stored = request.session.data[sessionKey] else { return nil }
        request.session.data[sessionKey] = nil
        let parts = stored.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let kind = Kind(rawValue: String(parts[0])) else { return nil }
        return Flash(kind: kind, message: String(parts[1]))
    }
}
