import Fluent
import SQLKit
import Foundation

/// Environment operations: members list and read; owners create and delete.
enum Environments {
    /// A page of the organization's environments by name (`EnvironmentListing`). Read with SQLKit, not as Fluent
    /// models: Fluent reflects on every model it decodes, which made a list of 1,000 environments take 130 ms (the
    /// README's scale figures).
    static func list(in organizationName: String, _ listing: EnvironmentListing, actorID: UUID,
                     on database: any Database) async throws -> EnvironmentList {
        let (organization, _) = try await Organizations.membership(of: actorID, in: organizationName, on: database)
        guard let sql = database as? any SQLDatabase else { throw RunEngineError.notSQL }
        let name = TerraformEnvironment.column(\.$name)
        var query = sql.select().columns(TerraformEnvironment.listedColumns).from(TerraformEnvironment.schema)
            .where(TerraformEnvironment.column(\.$organization.$id), .equal, SQLBind(try organization.requireID()))
        if let after = listing.after { query = query.where(name, .greaterThan, SQLBind(after)) }
        if let pattern = listing.searchPattern { query = query.where(SQLQueryString("\(name) LIKE \(bind: pattern) ESCAPE '\\'")) }
        // One more than the page: whether there is a next page, without counting.
        let rows = try await query.orderBy(name).limit(listing.size + 1).all()
        let environments = try rows.prefix(listing.size).map(TerraformEnvironment.init(listed:))
        let next = rows.count > listing.size
            ? try EnvironmentListing(size: listing.size, after: environments.last?.name, search: listing.search) : nil
        return EnvironmentList(environments: environments, next: next)
    }

    static func find(_ name: String, in organizationName: String, actorID: UUID, on database: any Database) async throws -> TerraformEnvironment {
        let (organization, _) = try await Organizations.membership(of: actorID, in: organizationName, on: database)
        guard let environment = try await TerraformEnvironment.query(on: database)
            .filter(\.$organization.$id == organization.requireID()).filter(\.$name == name).first() else {
            throw EnvironmentRefusal.notFound(name)
        }
        return environment
    }

    static func create(_ name: String, in organizationName: String, actorID: UUID, on database: any Database) async throws -> TerraformEnvironment {
        _ = try ResourceName.validated(name, names: "Environment names")
        return try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let organization = try await Organizations.requireOwner(actorID, in: organizationName, on: database)
            let organizationID = try organization.requireID()
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
        let organization = try await Organizations.requireOwner(actorID, in: organizationName, on: database)
        guard let environment = try await TerraformEnvironment.query(on: database)
            .filter(\.$organization.$id == organization.requireID()).filter(\.$name == name).first() else {
            throw EnvironmentRefusal.notFound(name)
        }
        try await environment.delete(on: database)
    }
}
