import Fluent
import SQLKit
import Foundation

/// Environment operations: members list and read those they may see; owners create and delete (`Authorizer` decides).
enum Environments {
    /// A page of the organization's environments by name (`EnvironmentListing`). Read by a statement of its own, not
    /// as Fluent models: Fluent reflects on every model it decodes, which made a list of 1,000 environments take
    /// 130 ms (Benchmarks/README.md's scale figures).
    static func list(in organizationName: String, _ listing: EnvironmentListing, actorID: UUID,
                     on database: any Database) async throws -> EnvironmentList {
        let organization = try await Authorizer.authorize(actorID, .read, organization: organizationName, on: database)
        // One more than the page: whether there is a next page, without counting.
        let rows = try await TerraformEnvironment.listed(in: organization.organizationID, listing, limit: listing.size + 1,
                                                         visibleTo: Authorizer.visibleEnvironments(to: actorID, role: organization.role),
                                                         on: database)
        let environments = Array(rows.prefix(listing.size))
        let next = rows.count > listing.size
            ? try EnvironmentListing(size: listing.size, after: environments.last?.name, search: listing.search) : nil
        return EnvironmentList(environments: environments, next: next)
    }

    /// The ids of the organization's environments `actorID` may see; nil when they see every one (an owner).
    static func visibleIDs(in organization: Grant, actorID: UUID, on database: any Database) async throws -> Set<UUID>? {
        guard let condition = Authorizer.visibleEnvironments(to: actorID, role: organization.role) else { return nil }
        let query: SQLQueryString = "SELECT \(ident: "id") FROM \(ident: TerraformEnvironment.schema) WHERE \(ident: "organization_id") = \(bind: organization.organizationID)"
        return Set(try await database.sql.raw(query + condition).all().map { try $0.decode(column: "id", as: UUID.self) })
    }

    /// The named environment, for `action` by `actorID`.
    static func find(_ name: String, in organizationName: String, actorID: UUID, for action: Action = .read,
                     on database: any Database) async throws -> TerraformEnvironment {
        try await Authorizer.authorize(actorID, action, environment: name, organization: organizationName, on: database).1
    }

    /// The named environment, whoever asks (the state backend, whose caller `Authorizer.stateCaller` decides).
    static func located(_ name: String, in organizationName: String, on database: any Database) async throws -> TerraformEnvironment {
        guard let environment = try await TerraformEnvironment.query(on: database)
            .join(Organization.self, on: \TerraformEnvironment.$organization.$id == \Organization.$id)
            .filter(Organization.self, \.$name == organizationName).filter(\.$name == name).first() else {
            throw EnvironmentRefusal.notFound(name)
        }
        return environment
    }

    static func create(_ name: String, in organizationName: String, actorID: UUID, on database: any Database) async throws -> TerraformEnvironment {
        _ = try ResourceName.validated(name, names: "Environment names")
        return try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let organizationID = try await Authorizer.authorize(actorID, .administer, organization: organizationName, on: database).organizationID
            if try await TerraformEnvironment.query(on: database)
                .filter(\.$organization.$id == organizationID).filter(\.$name == name).first() != nil {
                throw EnvironmentRefusal.nameTaken(name)
            }
            let environment = TerraformEnvironment(organizationID: organizationID, name: name)
            try await environment.save(on: database)
            return environment
        }
    }

    static func delete(_ name: String, in organizationName: String, actorID: UUID, on database: any Database) async throws {
        let organization = try await Authorizer.authorize(actorID, .administer, organization: organizationName, on: database)
        guard let environment = try await TerraformEnvironment.query(on: database)
            .filter(\.$organization.$id == organization.organizationID).filter(\.$name == name).first() else {
            throw EnvironmentRefusal.notFound(name)
        }
        try await environment.delete(on: database)
    }
}
