import Fluent
import Foundation

/// Who may do what: the one place that reads memberships to allow or refuse an action. Every edge calls it
/// first for its route (`RouteRules`, `AuthorizationMiddleware`), and the domains call it again where they act,
/// so a domain function is safe whoever calls it. What a caller may not see does not exist for them (404);
/// a member who lacks the role sees "owners only" (403).
enum Authorizer {
    /// `userID` may do `action` in the organization named `name`.
    static func authorize(_ userID: UUID, _ action: Action, organization name: String, on database: any Database) async throws -> Grant {
        // One statement: every authenticated request asks it. A name with NUL names nothing (PostgreSQL refuses it in text).
        guard !name.contains("\0"), let (organization, membership) = try await Membership.find(of: userID, in: name, on: database) else {
            throw OrganizationRefusal.notFound(name)
        }
        return try grant(organization, membership.role, action)
    }

    /// `userID` may do `action` to the run; returns it with where it belongs. Refused as a missing run.
    static func authorize(_ userID: UUID, _ action: Action, run runID: UUID, on database: any Database) async throws -> (Grant, Runs.Located) {
        guard let (located, organizationID) = try await Runs.locate(runID, on: database),
              let role = try await role(of: userID, in: organizationID, on: database) else {
            throw RunRefusal.notFound
        }
        return (try grant(organizationID, located.organization, role, action), located)
    }

    /// `userID` may do `action` in the environment with this id (with its organization loaded). Refused as a
    /// missing environment.
    static func authorize(_ userID: UUID, _ action: Action, environment id: UUID, on database: any Database) async throws -> (Grant, TerraformEnvironment) {
        guard let environment = try await TerraformEnvironment.query(on: database).filter(\.$id == id).with(\.$organization).first(),
              let role = try await role(of: userID, in: environment.$organization.id, on: database) else {
            throw EnvironmentRefusal.notFound(id.uuidString.lowercased())
        }
        return (try grant(environment.organization, role, action), environment)
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

    /// A person calling the state backend of `environment` with their API token: an owner or a member. Refused as a
    /// missing environment otherwise.
    static func stateCaller(_ user: User?, of environment: TerraformEnvironment, on database: any Database) async throws -> StateCaller {
        guard let user, let role = try await role(of: try user.requireID(), in: environment.$organization.id, on: database) else {
            throw EnvironmentRefusal.notFound(environment.name)
        }
        return role == .owner ? .owner : .member
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
}
