import Fluent
import Foundation

/// Teams that follow an identity provider group, kept in step with a person's groups at each single sign-on: they
/// join the teams whose group the provider lists for them (and, as a member, the team's organization), and leave
/// those whose group it no longer lists. An organization membership a group brought ends with the person's last such
/// team there; people added by hand stay until an owner removes them.
enum TeamGroupSync {
    /// Runs inside the sign-in's transaction, after the person is known.
    static func follow(_ groups: [String], userID: UUID, on database: any Database) async throws {
        let groups = Set(groups)
        let mapped = try await Team.query(on: database).filter(\.$identityProviderGroup != nil).all()
        let wanted = mapped.filter { $0.identityProviderGroup.map(groups.contains) ?? false }
        let wantedIDs = Set(try wanted.map { try $0.requireID() })
        let current = try await TeamMembership.query(on: database).filter(\.$user.$id == userID).with(\.$team).all()
        for membership in current where membership.fromGroup && !wantedIDs.contains(membership.$team.id) {
            try await membership.delete(on: database)
        }
        let held = Set(current.map(\.$team.id))
        for team in wanted {
            let organizationID = team.$organization.id
            if try await Membership.query(on: database).filter(\.$organization.$id == organizationID).filter(\.$user.$id == userID).first() == nil {
                let membership = Membership(organizationID: organizationID, userID: userID, role: .member)
                membership.fromGroup = true
                try await membership.save(on: database)
            }
            if !held.contains(try team.requireID()) {
                try await TeamMembership(teamID: try team.requireID(), userID: userID, fromGroup: true).save(on: database)
            }
        }
        // Organizations a group brought the person into, where no group of theirs maps to a team any more.
        let stillWanted = Set(wanted.map(\.$organization.id))
        for membership in try await Membership.query(on: database).filter(\.$user.$id == userID).filter(\.$fromGroup == true).all()
            where !stillWanted.contains(membership.$organization.id) {
            try await Organizations.leave(userID, organizationID: membership.$organization.id, on: database)
        }
    }
}
