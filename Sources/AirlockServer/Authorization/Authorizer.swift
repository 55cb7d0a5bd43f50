import Fluent
import Foundation
import SQLKit

/// Who may do what: the one place that reads memberships and teams' access to environments to allow or refuse an
/// action. Every edge calls it
/// first for its route (`RouteRules`, `AuthorizationMiddleware`), and the domains call it again where they act,
/// so a domain function is safe whoever calls it. What a caller may not see does not exist for them (404);
/// a member who lacks the role sees "owners only" (403), one whose teams lack the access says so (403).
enum Authorizer {
    /// `userID` may do `action` in the organization named `name`.
    static func authorize(_ userID: UUID, _ action: Action, organization name: String, on database: any Database) async throws -> Grant {
        // One statement: every authenticated request asks it. A name with NUL names nothing (PostgreSQL refuses it in text).
        guard !name.contains("\0"), let (organization, membership) = try await Membership.find(of: userID, in: name, on: database) else {
            throw OrganizationRefusal.notFound(name)
        }
        return try grant(organization, membership.role, action)
    }

    /// `userID` may do `action` in the environment named `name` of the organization `organization`. Refused as a
    /// missing environment when the caller cannot see it.
    static func authorize(_ userID: UUID, _ action: Action, environment name: String, organization: String,
                          on database: any Database) async throws -> (Grant, TerraformEnvironment) {
        let member = try await authorize(userID, .read, organization: organization, on: database)
        // A name with NUL names nothing (PostgreSQL refuses it in text).
        guard !name.contains("\0"), let environment = try await TerraformEnvironment.query(on: database)
            .filter(\.$organization.$id == member.organizationID).filter(\.$name == name).first() else {
            throw EnvironmentRefusal.notFound(name)
        }
        return (try await grant(member, action, in: environment, userID: userID, on: database), environment)
    }

    /// `userID` may do `action` to the run; returns it with where it belongs. Refused as a missing run.
    /// One statement for most: the run, its environment and organization and the person's membership, joined; a second
    /// only for a member in an environment restricted to teams.
    static func authorize(_ userID: UUID, _ action: Action, run runID: UUID, on database: any Database) async throws -> (Grant, Runs.Located) {
        guard let found = try await Runs.locate(runID, member: userID, on: database) else { throw RunRefusal.notFound }
        let member = Grant(organizationID: found.organizationID, organizationName: found.located.organization, role: found.role)
        do {
            return (try await grant(member, action, in: found.environment, userID: userID, on: database), found.located)
        } catch EnvironmentRefusal.notFound(_) {
            throw RunRefusal.notFound
        }
    }

    /// `userID` may do `action` in the environment with this id (with its organization loaded). Refused as a
    /// missing environment.
    /// One statement for most: the environment joined with its organization and the person's membership.
    static func authorize(_ userID: UUID, _ action: Action, environment id: UUID, on database: any Database) async throws -> (Grant, TerraformEnvironment) {
        guard let environment = try await TerraformEnvironment.query(on: database).filter(\.$id == id)
            .join(Organization.self, on: \TerraformEnvironment.$organization.$id == \Organization.$id)
            .join(Membership.self, on: \Membership.$organization.$id == \Organization.$id)
            .filter(Membership.self, \.$user.$id == userID)
            .first() else {
            throw EnvironmentRefusal.notFound(id.uuidString.lowercased())
        }
        environment.$organization.value = try environment.joined(Organization.self)
        let role = try environment.joined(Membership.self).role
        let member = Grant(organizationID: environment.$organization.id, organizationName: environment.organization.name, role: role)
        return (try await grant(member, action, in: environment, userID: userID, on: database), environment)
    }

    /// The run a state backend token was issued to, while it executes, if it belongs to the environment the URL
    /// names; otherwise the same refusal whether or not that environment exists (a run learns nothing of others).
    static func stateCaller(runToken: String, organization: String, environment name: String,
                            on database: any Database) async throws -> (environmentID: UUID, caller: StateCaller) {
        guard let run = try await Run.query(on: database).filter(\.$backendTokenHash == APIToken.hash(runToken))
            .filter(\.$state ~~ RunState.executing).first(),
              let environment = try await TerraformEnvironment.query(on: database).filter(\.$id == run.$environment.id)
                .with(\.$organization).first(),
              environment.name == name, environment.organization.name == organization else {
            throw StateRefusal.runTokenNotValid
        }
        return (try environment.requireID(), .run(try run.requireID(), applying: run.state == .applying))
    }

    /// A person calling the state backend of `environment` with their API token: one who administers it, or one who
    /// reads it. Refused as a missing environment otherwise.
    static func stateCaller(_ user: User?, of environment: TerraformEnvironment, on database: any Database) async throws -> StateCaller {
        guard let user, let role = try await role(of: try user.requireID(), in: environment.$organization.id, on: database),
              let access = try await access(of: try user.requireID(), role: role, in: try environment.requireID(), on: database).access else {
            throw EnvironmentRefusal.notFound(environment.name)
        }
        return access == .administer ? .administrator : .reader
    }

    /// Which of `usernames` may approve applies in the environment now: the people whose approvals count towards
    /// its four-eyes and N-approvals rules (an approval whose giver has since lost the access no longer counts).
    static func approvers(among usernames: [String], environmentID: UUID, organizationID: UUID, on database: any Database) async throws -> Set<String> {
        var approvers: Set<String> = []
        for username in Set(usernames) {
            guard let user = try await User.query(on: database).filter(\.$username == username).first(),
                  let role = try await role(of: try user.requireID(), in: organizationID, on: database),
                  let access = try await access(of: try user.requireID(), role: role, in: environmentID, on: database).access,
                  access >= .approve else { continue }
            approvers.insert(username)
        }
        return approvers
    }

    /// What `userID`, whose role in the organization is `role`, may do in the environment, and whether the
    /// environment is restricted to teams. The rule, in one place: owners administer every environment; in an
    /// environment not restricted to teams, members read, queue plans and approve applies; in one restricted to teams
    /// (`TerraformEnvironment.restrictedToTeams`), members do what their teams may (the most of them), and without such
    /// a team there see nothing.
    static func access(of userID: UUID, role: Membership.Role, in environmentID: UUID,
                       on database: any Database) async throws -> (access: EnvironmentAccess?, restricted: Bool) {
        let rows = try await database.sql.raw(teamAccess.query([userID, environmentID])).all()
        // No row: no such environment (deleted meanwhile); nobody may do anything there.
        guard let first = rows.first else { return (nil, false) }
        let restricted = try first.decode(column: "restricted", as: Bool?.self) ?? false
        if role == .owner { return (.administer, restricted) }
        guard restricted else { return (.approve, false) }
        let levels = try rows.filter { try $0.decode(column: "mine", as: Int.self) != 0 }
            .compactMap { try $0.decode(column: "access", as: String?.self).flatMap(EnvironmentAccess.init(rawValue:)) }
        return (levels.max(), true)
    }

    /// `access(of:role:in:on:)` for an environment already read: the rule's first two cases need no statement.
    static func access(of userID: UUID, role: Membership.Role, in environment: TerraformEnvironment,
                       on database: any Database) async throws -> (access: EnvironmentAccess?, restricted: Bool) {
        let restricted = environment.restrictedToTeams
        if role == .owner { return (.administer, restricted) }
        guard restricted else { return (.approve, false) }
        return try await access(of: userID, role: role, in: try environment.requireID(), on: database)
    }

    /// Whether the environment is restricted to teams, with each team access it has and whether the person is in that
    /// team (one row with NULL access for an environment without any).
    private static let teamAccess = SQLStatement("""
        SELECT "environments"."restricted_to_teams" AS "restricted", "environment_team_access"."access" AS "access",
               CASE WHEN "team_memberships"."user_id" IS NULL THEN 0 ELSE 1 END AS "mine"
        FROM "environments"
        LEFT JOIN "environment_team_access" ON "environment_team_access"."environment_id" = "environments"."id"
        LEFT JOIN "team_memberships"
          ON "team_memberships"."team_id" = "environment_team_access"."team_id" AND "team_memberships"."user_id" = ?
        WHERE "environments"."id" = ?
        """)

    /// A condition, on a statement that reads `environments`, that holds for the environments `userID` may see, to
    /// narrow a list of them; nil for an owner, who sees every one. The same rule as `access(of:role:in:on:)`.
    static func visibleEnvironments(to userID: UUID, role: Membership.Role) -> SQLQueryString? {
        guard role != .owner else { return nil }
        return SQLStatement("""
             AND ("environments"."restricted_to_teams" IS NOT TRUE
              OR "environments"."id" IN (SELECT "environment_team_access"."environment_id" FROM "environment_team_access"
                 JOIN "team_memberships" ON "team_memberships"."team_id" = "environment_team_access"."team_id"
                 WHERE "team_memberships"."user_id" = ?))
            """).query([userID])
    }

    /// Whether `userID` holds `role` or more in the organization; a query only for the rules that say so in
    /// their name (notification recipients, four eyes).
    static func role(of userID: UUID, in organizationID: UUID, on database: any Database) async throws -> Membership.Role? {
        try await Membership.query(on: database).filter(\.$organization.$id == organizationID)
            .filter(\.$user.$id == userID).first()?.role
    }

    private static func grant(_ organization: Organization, _ role: Membership.Role, _ action: Action) throws -> Grant {
        try grant(try organization.requireID(), organization.name, role, action)
    }

    private static func grant(_ organizationID: UUID, _ name: String, _ role: Membership.Role, _ action: Action) throws -> Grant {
        if action.requiredRole == .owner, role != .owner { throw OrganizationRefusal.ownersOnly }
        return Grant(organizationID: organizationID, organizationName: name, role: role)
    }

    /// `member`'s grant for `action` in the environment: refused as missing where they may not see it, as owners'
    /// business in an environment open to every member, or as their teams' limit in a restricted one.
    private static func grant(_ member: Grant, _ action: Action, in environment: TerraformEnvironment, userID: UUID,
                              on database: any Database) async throws -> Grant {
        let name = environment.name
        let (access, restricted) = try await access(of: userID, role: member.role, in: environment, on: database)
        guard let access else { throw EnvironmentRefusal.notFound(name) }
        guard access >= action.requiredAccess else {
            throw restricted ? EnvironmentRefusal.teamAccessTooLow(environment: name, has: access, needs: action.requiredAccess)
                             : OrganizationRefusal.ownersOnly
        }
        var grant = member
        grant.environmentAccess = access
        return grant
    }
}
