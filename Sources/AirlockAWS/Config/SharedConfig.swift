import Foundation

/// The AWS shared config (`~/.aws/config`) and credentials (`~/.aws/credentials`) files, merged as botocore
/// merges them: `[default]` and `[profile X]` from the config file, bare `[X]` from the credentials file,
/// the credentials file winning for a key both set.
public struct SharedConfig: Sendable, Equatable {
    public var profiles: [String: Profile]
    /// `[services NAME]` sections: service name (`sts`) to its settings (`endpoint_url`).
    public var services: [String: [String: [String: String]]]
    /// `[sso-session NAME]` sections: an Identity Center sign-in (`sso_start_url`, `sso_region`) profiles share.
    public var ssoSessions: [String: [String: String]]
    public var configPath: String
    public var credentialsPath: String

    /// Reads the files named by `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, or the defaults
    /// under `~/.aws`. A missing file counts as empty.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> SharedConfig {
        let home = environment["HOME"] ?? NSHomeDirectory()
        // botocore's `os.path.expandvars(os.path.expanduser(path))`: `~` first, then `$NAME` and `${NAME}` of set
        // variables (others stay as written).
        func expand(_ path: String) -> String {
            let tilde = path == "~" ? home : path.hasPrefix("~/") ? home + path.dropFirst() : path
            return tilde.replacing(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/) { match in
                let name = String(match.output.1 ?? match.output.2 ?? "")
                return environment[name] ?? String(match.output.0)
            }
        }
        let configPath = expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config")
        let credentialsPath = expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
        return try SharedConfig(
            configText: try read(configPath), configPath: configPath,
            credentialsText: try read(credentialsPath), credentialsPath: credentialsPath
        )
    }

    private static func read(_ path: String) throws(ConfigError) -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "" }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .parse(path: path, line: 0, reason: "the file cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .parse(path: path, line: 0, reason: "the file is not UTF-8 text")
        }
        return text
    }

    /// Parses both files' text; the paths name them in errors.
    public init(configText: String, configPath: String, credentialsText: String = "", credentialsPath: String = "") throws(ConfigError) {
        self.configPath = configPath
        self.credentialsPath = credentialsPath
        var profiles: [String: Profile] = [:]
        var services: [String: [String: [String: String]]] = [:]
        var ssoSessions: [String: [String: String]] = [:]
        for section in try INIFile(parsing: configText, path: configPath).sections {
            let words = ShellWords.split(section.name) ?? []  // botocore skips a section shlex cannot split
            if section.name == "default" {
                profiles["default", default: Profile(name: "default")].values.merge(section.values) { $1 }
            } else if words.count == 2, words[0] == "profile" {
                profiles[words[1], default: Profile(name: words[1])].values.merge(section.values) { $1 }
            } else if words.count == 2, words[0] == "sso-session" {
                ssoSessions[words[1], default: [:]].merge(section.values.compactMapValues(\.string)) { $1 }
            } else if words.count == 2, words[0] == "services" {
                services[words[1]] = section.values.compactMapValues {
                    if case let .nested(settings) = $0 { return settings }
                    return nil
                }
            }
        }
        for section in try INIFile(parsing: credentialsText, path: credentialsPath).sections {
            profiles[section.name, default: Profile(name: section.name)].values.merge(section.values) { $1 }
            if section.values["aws_access_key_id"] != nil || section.values["aws_secret_access_key"] != nil {
                profiles[section.name]?.keysFromCredentialsFile = true
            }
        }
        self.profiles = profiles
        self.services = services
        self.ssoSessions = ssoSessions
    }

    /// The profile, or botocore's "could not be found" error.
    public func profile(_ name: String) throws(ConfigError) -> Profile {
        guard let profile = profiles[name] else { throw .profileNotFound(name) }
        return profile
    }

    /// A service's setting from the `[services X]` section that the profile names with `services = X`.
    public func serviceSetting(_ key: String, service: String, profile: Profile) -> String? {
        guard let sectionName = profile["services"] else { return nil }
        return services[sectionName]?[service]?[key]
    }
}

extension SharedConfig {
    /// The profile a command uses: the one named on the command line, then `AWS_DEFAULT_PROFILE`, then
    /// `AWS_PROFILE` (botocore reads them in that order), then `default`.
    public static func selectedProfileName(explicit: String?, environment: [String: String]) -> String {
        [explicit, environment["AWS_DEFAULT_PROFILE"], environment["AWS_PROFILE"]].compactMap { $0 }.first { !$0.isEmpty } ?? "default"
    }
}
