import Vapor

extension APIError {
    static func invalidKey(_ key: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_key",
                 reason: "Variable keys are environment variable names: a letter or '_', then letters, digits or '_', at most 128 (got \"\(key.prefix(40))\").")
    }

    static func reservedKey(_ key: String) -> APIError {
        APIError(status: .badRequest, code: "reserved_key",
                 reason: "\(key) is set by Airlock for every run, or would change how Terraform or its sandbox start (PATH, HOME, LD_*, TF_CLI_ARGS*, TF_DATA_DIR, TF_WORKSPACE, TF_CLI_CONFIG_FILE, TF_PLUGIN_CACHE_DIR, TF_IN_AUTOMATION, TF_INPUT, PYTHONHOME, PYTHONPATH, PYTHONSTARTUP); choose another name.")
    }

    static func valueWithNUL(_ key: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_value", reason: "The value of \(key) holds a NUL character, which no environment variable can carry.")
    }

    static let valueTooLong = APIError(status: .badRequest, code: "value_too_long",
                                       reason: "Variable values are at most \(VariableRules.maximumValueLength) characters.")

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
