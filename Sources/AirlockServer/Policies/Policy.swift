import Foundation

/// One Rego module of a policy set, by name. From the package the module declares, Airlock reads two rules:
/// `deny`, a set of messages (each one a failure of the policy; none: it passes), and `approvals_required`, the
/// approvals the run needs at least (on top of the environment's rule, never fewer).
struct Policy: Codable, Sendable, Equatable {
    let name: String
    let source: String

    /// The most source one module may hold.
    static let maximumSourceBytes = 256 << 10
    /// The most modules one version of a set may hold.
    static let maximumPerSet = 50

    /// The package path the module declares (`package airlock.no_destroy`: `["airlock", "no_destroy"]`), nil when no
    /// plain `package a.b.c` line can be read.
    var packagePath: [String]? {
        for line in source.split(whereSeparator: \.isNewline) {
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = code.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            guard trimmed.hasPrefix("package ") else { return nil }
            let path = trimmed.dropFirst("package ".count).trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false)
            guard !path.isEmpty, path.allSatisfy(Self.isIdentifier) else { return nil }
            return path.map(String.init)
        }
        return nil
    }

    private static func isIdentifier(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// The policies of one version, checked: names as resource names and unique, sources within their limit, each
    /// declaring its own package.
    static func validated(_ policies: [Policy]) throws -> [Policy] {
        guard !policies.isEmpty else { throw PolicyRefusal.noPolicies }
        guard policies.count <= maximumPerSet else { throw PolicyRefusal.tooManyPolicies(policies.count) }
        var names = Set<String>(), packages = Set<[String]>()
        for policy in policies {
            _ = try ResourceName.validated(policy.name, names: "Policy names")
            guard names.insert(policy.name).inserted else { throw PolicyRefusal.duplicatePolicy(policy.name) }
            guard policy.source.utf8.count <= maximumSourceBytes else { throw PolicyRefusal.policyTooLarge(policy.name) }
            guard let package = policy.packagePath else { throw PolicyRefusal.noPackage(policy.name) }
            guard packages.insert(package).inserted else { throw PolicyRefusal.duplicatePackage(package.joined(separator: ".")) }
        }
        return policies
    }
}
