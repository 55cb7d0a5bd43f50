import Foundation
import Vapor

/// A one-time message shown on the next page after a form: what happened, or why it did not. A refusal
/// caused by one field names it, and the page shows the message beside that field.
struct Flash: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        case success
        case error
    }

    let kind: Kind
    let message: String
    /// The id of the form field the refusal is about.
    var field: String?

    private static let sessionKey = "flash"

    /// Stores the message for the next page this session shows.
    static func set(_ kind: Kind, _ message: String, field: String? = nil, on request: Request) {
        let flash = Flash(kind: kind, message: message, field: field)
        request.session.data[sessionKey] = (try? JSONEncoder().encode(flash)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The pending message, removed from the session.
    static func take(from request: Request) -> Flash? {
        guard request.hasSession, let stored = request.session.data[sessionKey] else { return nil }
        request.session.data[sessionKey] = nil
        return try? JSONDecoder().decode(Flash.self, from: Data(stored.utf8))
    }

    /// The pending refusal about `field`, to show beside it (the page's layout then leaves it out of the top).
    static func fieldError(_ field: String, on request: Request) -> HTML? {
        guard request.hasSession, let stored = request.session.data[sessionKey],
              let flash = try? JSONDecoder().decode(Flash.self, from: Data(stored.utf8)), flash.kind == .error, flash.field == field else {
            return nil
        }
        return "<p class=\"field-error\" id=\"\(field)-error\" role=\"alert\">\(flash.message)</p>"
    }
}
