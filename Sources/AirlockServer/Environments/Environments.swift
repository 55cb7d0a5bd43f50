import Fluent
import Foundation

/// Environment operations: members list and read; owners create and delete.
enum Environments {
    static func list(in organizationName: String, actorID: UUID, on database: any Database) async throws -> [TerraformEnvironment] {
        let (organization, _) = try await Organizations.membership(of: actorID, in: organizationName, on: database)
        return try await TerraformEnvironment.query(on: database).filter(\.$organization.$id == organization.requireID())
            .sort(\.$name).all()
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
