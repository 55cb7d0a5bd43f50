import Fluent
import Foundation

/// Team operations, independent of HTTP: members see teams and environments' team access; owners create and delete
/// teams, map identity provider groups to them, add and remove people, and give teams access to environments
/// (`Authorizer` decides, and reads the access back).
enum Teams {
    /// A team as its organization's people see it.
    struct Listed: Sendable {
        struct Member: Sendable {
            let username: String
            /// Brought in by the team's identity provider group (which then decides), not by an owner.
            let fromGroup: Bool
        }

        let name: String
        let identityProviderGroup: String?
        let members: [Member]
        /// The environments the team has access to, by name.
        let environments: [(environment: String, access: EnvironmentAccess)]
    }

    /// One team's access to an environment.
    struct Access: Sendable {
        let team: String
        let access: EnvironmentAccess
    }

    /// The organization's teams by name, with their people and the environments they reach (those the caller sees).
    static func list(in organization: String, actorID: UUID, on database: any Database) async throws -> [Listed] {
        let grant = try await Authorizer.authorize(actorID, .read, organization: organization, on: database)
        let teams = try await Team.query(on: database).filter(\.$organization.$id == grant.organizationID).sort(\.$name).all()
        var listed: [Listed] = []
        for team in teams {
            let teamID = try team.requireID()
            let members = try await TeamMembership.query(on: database).filter(\.$team.$id == teamID).with(\.$user).all()
                .map { Listed.Member(username: $0.user.username, fromGroup: $0.fromGroup) }.sorted { $0.username < $1.username }
            var environments: [(environment: String, access: EnvironmentAccess)] = []
            for access in try await EnvironmentTeamAccess.query(on: database).filter(\.$team.$id == teamID).with(\.$environment).all() {
                // Only environments the caller may see are named.
                guard try await Authorizer.access(of: actorID, role: grant.role, in: access.$environment.id, on: database).access != nil else { continue }
                environments.append((access.environment.name, access.access))
            }
            listed.append(Listed(name: team.name, identityProviderGroup: team.identityProviderGroup, members: members,
                                 environments: environments.sorted { $0.environment < $1.environment }))
        }
        return listed
    }

    /// Creates a team (owners only), optionally following an identity provider group.
    static func create(_ name: String, group: String?, in organization: String, actorID: UUID, clock: ServerClock,
                       on database: any Database) async throws {
        _ = try ResourceName.validated(name, names: "Team names")
        let group = try validatedGroup(group)
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let organizationID = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database).organizationID
            if try await Team.query(on: database).filter(\.$organization.$id == organizationID).filter(\.$name == name).first() != nil {
                throw TeamRefusal.nameTaken(name)
            }
            try await Team(organizationID: organizationID, name: name, identityProviderGroup: group, at: clock.now).save(on: database)
        }
    }

    /// Sets or clears (nil) the identity provider group a team follows (owners only). The people the old group
    /// brought in leave the team at once; the new group's come in at their next sign-in.
    static func setGroup(_ group: String?, of name: String, in organization: String, actorID: UUID, on database: any Database) async throws {
        let group = try validatedGroup(group)
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let team = try await owned(name, in: organization, actorID: actorID, on: database)
            guard team.identityProviderGroup != group else { return }
            team.identityProviderGroup = group
            try await team.save(on: database)
            try await TeamMembership.query(on: database).filter(\.$team.$id == team.requireID()).filter(\.$fromGroup == true).delete()
        }
    }

    /// Deletes a team (owners only): its people lose what it gave them in every environment at once.
    static func delete(_ name: String, in organization: String, actorID: UUID, on database: any Database) async throws {
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let team = try await owned(name, in: organization, actorID: actorID, on: database)
            let teamID = try team.requireID()
            try await TeamMembership.query(on: database).filter(\.$team.$id == teamID).delete()
            try await EnvironmentTeamAccess.query(on: database).filter(\.$team.$id == teamID).delete()
            try await team.delete(on: database)
        }
    }

    /// Adds an organization member to a team by hand (owners only).
    static func addMember(_ username: String, to name: String, in organization: String, actorID: UUID, on database: any Database) async throws {
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let team = try await owned(name, in: organization, actorID: actorID, on: database)
            // On PostgreSQL: not beside the person leaving the organization (`Organizations.leave` takes the same lock).
            try await RowLock.lock(Organization.schema, id: team.$organization.id, on: database)
            guard !username.contains("\0"), let user = try await User.query(on: database).filter(\.$username == username).first(),
                  try await Membership.query(on: database).filter(\.$organization.$id == team.$organization.id)
                    .filter(\.$user.$id == user.requireID()).first() != nil else {
                throw TeamRefusal.notAMember(username)
            }
            let teamID = try team.requireID()
            if let existing = try await TeamMembership.query(on: database).filter(\.$team.$id == teamID).filter(\.$user.$id == user.requireID()).first() {
                // By hand now: the group no longer takes them out.
                existing.fromGroup = false
                try await existing.save(on: database)
            } else {
                try await TeamMembership(teamID: teamID, userID: try user.requireID(), fromGroup: false).save(on: database)
            }
        }
    }

    /// Takes a person out of a team (owners only); never one the team's group brought in, whom the group decides.
    static func removeMember(_ username: String, from name: String, in organization: String, actorID: UUID,
                             on database: any Database) async throws {
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let team = try await owned(name, in: organization, actorID: actorID, on: database)
            guard !username.contains("\0"), let user = try await User.query(on: database).filter(\.$username == username).first(),
                  let membership = try await TeamMembership.query(on: database).filter(\.$team.$id == team.requireID())
                    .filter(\.$user.$id == user.requireID()).first() else {
                throw TeamRefusal.notInTeam(username: username, team: name)
            }
            if membership.fromGroup, let group = team.identityProviderGroup { throw TeamRefusal.followsGroup(username: username, group: group) }
            try await membership.delete(on: database)
        }
    }

    /// The teams with access to an environment, by name (anyone who may read it).
    static func access(to environment: String, in organization: String, actorID: UUID, on database: any Database) async throws -> [Access] {
        let environmentID = try await Environments.find(environment, in: organization, actorID: actorID, on: database).requireID()
        return try await EnvironmentTeamAccess.query(on: database).filter(\.$environment.$id == environmentID).with(\.$team).all()
            .map { Access(team: $0.team.name, access: $0.access) }.sorted { $0.team < $1.team }
    }

    /// Gives a team access to an environment, or changes it (owners only). The first team given access restricts the
    /// environment to teams: from then on its members reach it only through them, until an owner opens it again.
    static func grant(_ access: EnvironmentAccess, to name: String, on environment: String, in organization: String, actorID: UUID,
                      on database: any Database) async throws {
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let team = try await owned(name, in: organization, actorID: actorID, on: database)
            let located = try await Environments.find(environment, in: organization, actorID: actorID, on: database)
            let (environmentID, teamID) = (try located.requireID(), try team.requireID())
            // On PostgreSQL: one change to an environment's team access at a time (a grant beside an `open` cannot leave
            // access on an environment opened to everyone).
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            if !located.restrictedToTeams {
                located.storedRestrictedToTeams = true
                try await located.save(on: database)
            }
            if let existing = try await EnvironmentTeamAccess.query(on: database).filter(\.$environment.$id == environmentID)
                .filter(\.$team.$id == teamID).first() {
                existing.access = access
                try await existing.save(on: database)
            } else {
                try await EnvironmentTeamAccess(environmentID: environmentID, teamID: teamID, access: access).save(on: database)
            }
        }
    }

    /// Takes a team's access to an environment away (owners only). The environment stays restricted to teams: without
    /// any, only owners reach it (`open` gives it back to every member).
    static func revoke(_ name: String, on environment: String, in organization: String, actorID: UUID, on database: any Database) async throws {
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let team = try await owned(name, in: organization, actorID: actorID, on: database)
            let environmentID = try await Environments.find(environment, in: organization, actorID: actorID, on: database).requireID()
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            guard let existing = try await EnvironmentTeamAccess.query(on: database).filter(\.$environment.$id == environmentID)
                .filter(\.$team.$id == team.requireID()).first() else {
                throw TeamRefusal.notFound(name)
            }
            try await existing.delete(on: database)
        }
    }

    /// Opens an environment to every member again (owners only): its teams' access goes, and members read, queue plans
    /// and approve applies there as in an environment never restricted.
    static func open(_ environment: String, in organization: String, actorID: UUID, on database: any Database) async throws {
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            _ = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database)
            let located = try await Environments.find(environment, in: organization, actorID: actorID, on: database)
            try await RowLock.lock(TerraformEnvironment.schema, id: located.requireID(), on: database)
            try await EnvironmentTeamAccess.query(on: database).filter(\.$environment.$id == located.requireID()).delete()
            located.storedRestrictedToTeams = false
            try await located.save(on: database)
        }
    }

    /// The named team of an organization the actor owns.
    private static func owned(_ name: String, in organization: String, actorID: UUID, on database: any Database) async throws -> Team {
        let organizationID = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database).organizationID
        // A name with NUL names nothing (PostgreSQL refuses it in text).
        guard !name.contains("\0"), let team = try await Team.query(on: database).filter(\.$organization.$id == organizationID).filter(\.$name == name).first() else {
            throw TeamRefusal.notFound(name)
        }
        return team
    }

    /// A group as the provider's groups claim lists it, or nil for none (an empty text clears).
    private static func validatedGroup(_ group: String?) throws -> String? {
        guard let group, !group.isEmpty else { return nil }
        guard group.unicodeScalars.count <= 256, !group.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw TeamRefusal.invalidGroup
        }
        return group
    }
}
