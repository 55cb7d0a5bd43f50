import Foundation

/// Which files of a configuration folder `airlock push` leaves out: `.terraform/` and `.git/` always, then Airlock's
/// defaults (Terraform's state files and their backups, saved plans, crash logs, `.env` files), then the folder's
/// `.terraformignore`, read as Terraform's remote backend reads it (gitignore's format: `#` comments, `!` to take a
/// path back in, a trailing `/` for folders only, a `/` at the start or inside anchors a pattern to the folder,
/// `*` and `?` within one name, `**` across folders). The last rule that matches a path decides; a folder left out
/// takes everything in it along.
struct ConfigurationIgnoreRules {
    static let alwaysLeftOut: Set<String> = [".terraform", ".git"]
    static let defaults = ["*.tfstate", "*.tfstate.*", "*.tfplan", "crash.log", "crash.*.log", ".env", ".env.*"]
    static let fileName = ".terraformignore"

    private struct Rule {
        let included: Bool
        let foldersOnly: Bool
        let expression: NSRegularExpression
    }

    private let rules: [Rule]

    /// The defaults and the `.terraformignore` of `folder`, if it has one.
    init(folder: URL) throws {
        var lines = Self.defaults
        let file = folder.appendingPathComponent(Self.fileName)
        if FileManager.default.fileExists(atPath: file.path) {
            lines += try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        }
        rules = try lines.compactMap(Self.rule)
    }

    /// Whether the file or folder at `path` (relative, `/`-separated) is left out.
    func leavesOut(_ path: String, isFolder: Bool) -> Bool {
        if let name = path.split(separator: "/").last, Self.alwaysLeftOut.contains(String(name)) { return true }
        var leftOut = false
        let range = NSRange(path.startIndex..., in: path)
        for rule in rules where !rule.foldersOnly || isFolder {
            if rule.expression.firstMatch(in: path, range: range) != nil { leftOut = !rule.included }
        }
        return leftOut
    }

    private static func rule(_ line: String) throws -> Rule? {
        var pattern = line.trimmingCharacters(in: .whitespaces)
        guard !pattern.isEmpty, !pattern.hasPrefix("#") else { return nil }
        let included = pattern.hasPrefix("!")
        if included { pattern.removeFirst() }
        let foldersOnly = pattern.hasSuffix("/")
        while pattern.hasSuffix("/") { pattern.removeLast() }
        // A pattern with a slash is anchored to the folder; one without matches a name at any depth.
        let anchored = pattern.contains("/")
        if pattern.hasPrefix("/") { pattern.removeFirst() }
        guard !pattern.isEmpty else { return nil }
        let body = expression(fromGlob: pattern)
        return Rule(included: included, foldersOnly: foldersOnly,
                    expression: try NSRegularExpression(pattern: "^" + (anchored ? "" : "(?:.*/)?") + body + "$"))
    }

    /// A glob as a regular expression over a relative path.
    private static func expression(fromGlob glob: String) -> String {
        var result = ""
        var characters = Array(glob)[...]
        while let character = characters.popFirst() {
            switch character {
            case "*" where characters.first == "*":
                characters.removeFirst()
                if characters.first == "/" {
                    characters.removeFirst()
                    result += "(?:.*/)?"  // `**/`: any folders, or none
                } else {
                    result += ".*"
                }
            case "*": result += "[^/]*"
            case "?": result += "[^/]"
            default: result += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        return result
    }
}
