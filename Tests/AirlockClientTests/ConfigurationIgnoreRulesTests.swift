@testable import AirlockCLI
import Foundation
import Testing

/// `.terraformignore` globs as gitignore reads them, matched without backtracking, and the rules no repository can
/// change.
@Suite struct ConfigurationIgnoreRulesTests {
    @Test func globsMatchAsGitignoreReadsThem() {
        let cases: [(String, Bool, String, Bool)] = [
            ("*.tmp", false, "a.tmp", true), ("*.tmp", false, "dir/a.tmp", true), ("*.tmp", false, "a.tmp/x", false),
            ("docs/*.md", true, "docs/a.md", true), ("docs/*.md", true, "docs/sub/a.md", false), ("docs/*.md", true, "x/docs/a.md", false),
            ("**/cache", true, "cache", true), ("**/cache", true, "a/b/cache", true), ("a/**/b", true, "a/b", true),
            ("a/**/b", true, "a/x/y/b", true), ("a/**", true, "a/x/y", true), ("?.tf", false, "x.tf", true), ("?.tf", false, "xy.tf", false),
            ("secret", false, "modules/secret", true), ("secret", false, "notsecret", false),
        ]
        for (glob, anchored, path, expected) in cases {
            #expect(GlobPattern(glob, anchored: anchored).matches(path) == expected, "\(glob) on \(path)")
        }
    }

    /// The review's finding: a pattern of many `**` made a backtracking regular expression run without end.
    @Test func aHostilePatternIsMatchedInLinearSteps() {
        let hostile = GlobPattern(String(repeating: "**a", count: 40) + "b", anchored: true)
        #expect(!hostile.matches(String(repeating: "a", count: 4000)))
    }

    @Test func stateAndSecretsCannotBeTakenBackIn() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-ignore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("!*.tfstate\n!.env\n!.git/\n!crash.log\n\\#literal\n".utf8).write(to: folder.appendingPathComponent(".terraformignore"))
        let rules = try ConfigurationIgnoreRules(folder: folder)
        for path in ["terraform.tfstate", "x/terraform.tfstate.1.backup", ".env", ".git", "crash.log", "plan.tfplan"] {
            #expect(rules.leavesOut(path, isFolder: path == ".git"), "\(path)")
        }
        #expect(rules.leavesOut("#literal", isFolder: false))
        #expect(!rules.leavesOut("main.tf", isFolder: false))
    }
}
