import Vapor

extension APIError {
    static func invalidKey(_ key: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_key",
                 reason: "Variable keys are environment variable names: a letter or '_', then letters, digits or '_', at most 128 (got \"\(key.prefix(40))\").")
    }

    static let valueTooLong = APIError(status: .payloadTooLarge, code: "value_too_long",
                                       reason: "Variable values are at most \(OrganizationVariables.maximumValueLength) bytes.")

    static func variableNotFound(_ key: String) -> APIError {
        APIError(status: .notFound, code: "unknown_variable", reason: "There is no variable \"\(key)\".")
    }
}

extension APIError {
    static func organizationLevelOnly(_ key: String) -> APIError {
        APIError(status: .badRequest, code: "organization_variable_only",
                 reason: "\(key) is an organization variable (AWS keys and the MFA serial live at /settings/organization_variables).")
    }
}
