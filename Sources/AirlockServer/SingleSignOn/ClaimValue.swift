import Foundation

/// One claim of an ID token, as JSON typed it: a number is never read as a boolean, nor a string as a number.
enum ClaimValue: Decodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([ClaimValue])
    case object([String: ClaimValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([ClaimValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: ClaimValue].self)) }
    }

    var string: String? { if case let .string(value) = self { value } else { nil } }

    /// A NumericDate (seconds since 1970); nil for anything else, or a value no clock reaches.
    var seconds: TimeInterval? {
        guard case let .number(value) = self, value.isFinite, abs(value) < 1e12 else { return nil }
        return value
    }

    /// A list of strings, or one string as a list of one (providers send groups either way).
    var strings: [String]? {
        switch self {
        case let .string(value): [value]
        case let .array(values): values.compactMap(\.string)
        default: nil
        }
    }

    /// `true`, or the string "true" (some providers send `email_verified` as a string).
    var isTrue: Bool { self == .bool(true) || self == .string("true") }
}
