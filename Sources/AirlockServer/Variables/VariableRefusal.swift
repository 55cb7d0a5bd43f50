/// Why a variable could not be set, read or deleted.
enum VariableRefusal: Refusal {
    case invalidKey(String)
    case reservedKey(String)
    case valueWithNUL(String)
    case valueTooLong
    case notFound(String)
    /// An AWS key or the MFA serial set on an environment: they live on the organization only.
    case organizationLevelOnly(String)

    var kind: RefusalKind {
        switch self {
        case .notFound: .notFound
        default: .invalid
        }
    }

    var code: String {
        switch self {
        case .invalidKey: "invalid_key"
        case .reservedKey: "reserved_key"
        case .valueWithNUL: "invalid_value"
        case .valueTooLong: "value_too_long"
        case .notFound: "unknown_variable"
        case .organizationLevelOnly: "organization_variable_only"
        }
    }

    var message: String {
        switch self {
        case let .invalidKey(key):
            "Variable keys are environment variable names: a letter or '_', then letters, digits or '_', at most 128 (got \"\(key.prefix(40))\")."
        case let .reservedKey(key):
            "\(key) is set by Airlock for every run, or would change how Terraform or its sandbox start (PATH, HOME, LD_*, TF_CLI_ARGS*, TF_DATA_DIR, TF_WORKSPACE, TF_CLI_CONFIG_FILE, TF_PLUGIN_CACHE_DIR, TF_IN_AUTOMATION, TF_INPUT, PYTHONHOME, PYTHONPATH, PYTHONSTARTUP); choose another name."
        case let .valueWithNUL(key):
            "The value of \(key) holds a NUL character, which no environment variable can carry."
        case .valueTooLong:
            "Variable values are at most \(VariableRules.maximumValueLength) characters."
        case let .notFound(key):
            "There is no variable \"\(key)\"."
        case let .organizationLevelOnly(key):
            "\(key) is an organization variable (AWS keys and the MFA serial live at /settings/organization_variables)."
        }
    }
}
