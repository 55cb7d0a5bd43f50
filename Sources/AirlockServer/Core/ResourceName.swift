/// The one naming rule for usernames, organizations and environments: 2 to 39 characters, lowercase letters,
/// digits, `.`, `_` or `-`, starting with a letter or digit. Safe in URLs and paths as it stands.
enum ResourceName {
    private static let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")

    /// A name that breaks the rule; `names` starts the message ("Usernames", "Organization names", ...).
    struct Invalid: Refusal {
        let name: String
        let names: String
        let code: String

        var kind: RefusalKind { .invalid }
        var message: String {
            "\(names) are 2 to 39 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit (got \"\(name.prefix(40))\")."
        }
    }

    /// Returns `name` if it follows the rule; otherwise throws `Invalid` with `code` (`invalid_name`, or
    /// `invalid_username`).
    static func validated(_ name: String, names: String, code: String = "invalid_name") throws(Invalid) -> String {
        guard (2...39).contains(name.count), let first = name.first, first.isLetter || first.isNumber,
              name.allSatisfy({ allowed.contains($0) }) else {
            throw Invalid(name: name, names: names, code: code)
        }
        return name
    }
}
