import Foundation

/// Which files of a configuration folder `airlock push` leaves out: always `.terraform/`, `.git/`, Terraform's state
/// files and their backups, saved plans, crash logs and `.env` files (a repository's `.terraformignore` cannot take
/// these back in: a committer must not be able to make someone's push upload their state or secrets); then what the
/// folder's `.terraformignore` names, read as Terraform's remote backend reads it (gitignore's format: `#` comments,
/// `!` to take a path back in, `\#` and `\!` for names starting so, a trailing `/` for folders only, a `/` at the
/// start or inside anchors a pattern to the folder, `*` and `?` within one name, `**` across folders). The last rule
/// that matches a path decides; a folder left out takes everything in it along.
struct ConfigurationIgnoreRules {
    static let alwaysLeftOutNames: Set<String> = [".terraform", ".git"]
    static let alwaysLeftOut = ["*.tfstate", "*.tfstate.*", "*.tfplan", "crash.log", "crash.*.log", ".env", ".env.*"]
    static let fileName = ".terraformignore"
    /// A larger `.terraformignore` is not one.
    static let maximumFileBytes = 1 << 20

    struct IgnoreFileError: Error, CustomStringConvertible {
        let description: String
    }

    private struct Rule {
        let included: Bool
        let foldersOnly: Bool
        let pattern: GlobPattern
    }

    private let fixed: [GlobPattern]
    private let rules: [Rule]

    /// The fixed rules and the `.terraformignore` of `folder`, if it has one (a regular file of at most 1 MiB).
    init(folder: URL) throws {
        fixed = Self.alwaysLeftOut.map { GlobPattern($0, anchored: false) }
        let file = folder.appendingPathComponent(Self.fileName)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path) else {
            rules = []
            return
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular, ((attributes[.size] as? Int) ?? 0) <= Self.maximumFileBytes else {
            throw IgnoreFileError(description: "\(file.path) must be a regular file of at most 1 MiB.")
        }
        rules = try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline).compactMap { Self.rule(String($0)) }
    }

    /// Whether the file or folder at `path` (relative, `/`-separated) is left out.
    func leavesOut(_ path: String, isFolder: Bool) -> Bool {
        if let name = path.split(separator: "/").last, Self.alwaysLeftOutNames.contains(String(name)) { return true }
        if fixed.contains(where: { $0.matches(path) }) { return true }
        var leftOut = false
        for rule in rules where (!rule.foldersOnly || isFolder) && rule.pattern.matches(path) {
            leftOut = !rule.included
        }
        return leftOut
    }

    private static func rule(_ line: String) -> Rule? {
        var pattern = line.trimmingCharacters(in: .whitespaces)
        guard !pattern.isEmpty, !pattern.hasPrefix("#") else { return nil }
        let included = pattern.hasPrefix("!")
        if included { pattern.removeFirst() }
        if pattern.hasPrefix("\\#") || pattern.hasPrefix("\\!") { pattern.removeFirst() }
        let foldersOnly = pattern.hasSuffix("/")
        while pattern.hasSuffix("/") { pattern.removeLast() }
        // A pattern with a slash is anchored to the folder; one without matches a name at any depth.
        let anchored = pattern.contains("/")
        if pattern.hasPrefix("/") { pattern.removeFirst() }
        guard !pattern.isEmpty else { return nil }
        return Rule(included: included, foldersOnly: foldersOnly, pattern: GlobPattern(pattern, anchored: anchored))
    }
}

/// A gitignore glob matched against a relative path in time proportional to the pattern's length times the path's
/// (no backtracking, whatever the pattern): `*` and `?` within one name, `**` across names, `**/` for any folders or
/// none. An unanchored pattern may start in any folder.
struct GlobPattern {
    private enum Token: Equatable {
        case character(Character)
        case oneInName
        case anyInName
        case anything
        case anyFolders
    }

    private let tokens: [Token]

    init(_ glob: String, anchored: Bool) {
        var tokens: [Token] = anchored ? [] : [.anyFolders]
        var characters = Array(glob)[...]
        while let character = characters.popFirst() {
            switch character {
            case "*" where characters.first == "*":
                characters.removeFirst()
                if characters.first == "/" {
                    characters.removeFirst()
                    tokens.append(.anyFolders)
                } else {
                    tokens.append(.anything)
                }
            case "*": tokens.append(.anyInName)
            case "?": tokens.append(.oneInName)
            case "\\" where !characters.isEmpty: tokens.append(.character(characters.removeFirst()))
            default: tokens.append(.character(character))
            }
        }
        self.tokens = tokens
    }

    func matches(_ path: String) -> Bool {
        let text = Array(path)
        // reachable[j]: the tokens so far can match exactly the first j characters.
        var reachable = [Bool](repeating: false, count: text.count + 1)
        reachable[0] = true
        for token in tokens {
            var next = [Bool](repeating: false, count: text.count + 1)
            switch token {
            case let .character(expected):
                for j in 0..<text.count where reachable[j] && text[j] == expected { next[j + 1] = true }
            case .oneInName:
                for j in 0..<text.count where reachable[j] && text[j] != "/" { next[j + 1] = true }
            case .anyInName:
                for j in 0...text.count {
                    next[j] = reachable[j] || (j > 0 && next[j - 1] && text[j - 1] != "/")
                }
            case .anything:
                for j in 0...text.count { next[j] = reachable[j] || (j > 0 && next[j - 1]) }
            case .anyFolders:
                // Nothing, or any characters up to and including a `/`.
                var open = false
                for j in 0...text.count {
                    if reachable[j] { next[j] = true; open = true }
                    if j > 0, open, text[j - 1] == "/" { next[j] = true }
                }
            }
            reachable = next
        }
        return reachable[text.count]
    }
}
