/// A JSON value as the policy engine answers it (a Rego value), decoded strictly: booleans and numbers stay apart.
enum RegoValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([RegoValue])
    case object([String: RegoValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([RegoValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: RegoValue].self))
        }
    }

    subscript(key: String) -> RegoValue? {
        if case let .object(members) = self { return members[key] }
        return nil
    }
}

/// `opa eval --format json`'s document: a result, or errors.
struct OPAEvalDocument: Decodable {
    struct Result: Decodable {
        struct Expression: Decodable {
            let value: RegoValue?
        }
        let expressions: [Expression]?
    }
    struct Failure: Decodable {
        let message: String?
    }
    let result: [Result]?
    let errors: [Failure]?
}
