import Fluent
import Foundation

/// Everything an organization's teams page shows: each team with its people, its identity provider group and the
/// environments it reaches; read by `load`, rendered by `TeamsPage+View.swift`.
struct TeamsPage {
    let organization: String
    /// Owners create, change and delete teams; members see them read-only.
    let isOwner: Bool
    let teams: [Teams.Listed]
    /// Whether the server signs people in through an identity provider (whose groups teams can follow).
    let hasIdentityProvider: Bool

    static func load(organization name: String, visitorID: UUID, hasIdentityProvider: Bool, on database: any Database) async throws -> TeamsPage {
        let grant = try await Authorizer.authorize(visitorID, .read, organization: name, on: database)
        return TeamsPage(organization: grant.organizationName, isOwner: grant.isOwner,
                         teams: try await Teams.list(in: name, actorID: visitorID, on: database), hasIdentityProvider: hasIdentityProvider)
    }
}
