import Vapor

/// Refusals in variable operations, each with a stable code.
struct VariableError: AbortError, CustomStringConvertible {
    let status: HTTPResponseStatus
    let code: String
    let reason: String

    var description: String { reason }

    static func invalidKey(_ key: String) -> VariableError {
        VariableError(status: .badRequest, code: "invalid_key",
                      reason: "Variable keys are environment variable names: a letter or '_', then letters, digits or '_', at most 128 (got \"\(key.prefix(40))\").")
    }

    static let valueTooLong = VariableError(status: .payloadTooLarge, code: "value_too_long",
                                            reason: "Variable values are at most \(OrganizationVariables.maximumValueLength) bytes.")

    static func notFound(_ key: String) -> VariableError {
        VariableError(status: .notFound, code: "unknown_variable", reason: "There is no variable \"\(key)\".")
    }
}
