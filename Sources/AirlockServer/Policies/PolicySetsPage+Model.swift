import Fluent
import Foundation

/// Everything an organization's policy sets page shows: each set at its newest version with its policies, the
/// environments it covers and its versions; read by `load`, rendered by `PolicySetsPage+View.swift`.
struct PolicySetsPage {
    struct Entry {
        let set: PolicySets.Listed
        let versions: [PolicySetVersion]
    }

    let organization: String
    /// Owners create and change sets; members see them read-only.
    let isOwner: Bool
    let entries: [Entry]
    /// Whether the server has a policy engine (without one no set can be added).
    let hasEngine: Bool

    static func load(organization name: String, visitorID: UUID, hasEngine: Bool, on database: any Database) async throws -> PolicySetsPage {
        let grant = try await Authorizer.authorize(visitorID, .read, organization: name, on: database)
        var entries: [Entry] = []
        for set in try await PolicySets.list(in: name, actorID: visitorID, on: database) {
            entries.append(Entry(set: set, versions: try await PolicySets.versions(of: set.name, in: name, actorID: visitorID, on: database)))
        }
        return PolicySetsPage(organization: grant.organizationName, isOwner: grant.isOwner, entries: entries, hasEngine: hasEngine)
    }
}
