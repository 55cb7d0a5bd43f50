import Vapor

/// The one naming rule for usernames, organizations and environments: 2 to 39 characters, lowercase letters,
/// digits, `.`, `_` or `-`, starting with a letter or digit. Safe in URLs and paths as it stands.
enum ResourceName {
    private static let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")

    /// Returns `name` if it follows the rule; otherwise throws `invalid_name` (or `invalid_username`)
    /// whose message starts with `names` ("Usernames", "Organization names", ...).
    static func validated(_ name: String, names: String, code: String = "invalid_name") throws -> String {
        guard (2...39).contains(name.count), let first = name.first, first.isLetter || first.isNumber,
              name.allSatisfy({ allowed.contains($0) }) else {
            throw APIError(status: .badRequest, code: code,
                           reason: "\(names) are 2 to 39 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit (got \"\(name.prefix(40))\").")
        }
        return name
    }
}
