import Fluent
import Foundation

/// Organization variable operations: members read (sensitive values never), owners write; every value is
/// encrypted at rest.
enum OrganizationVariables {
    /// A variable as the API and pages show it: no value for a sensitive one.
    struct Listed: Sendable {
        let key: String
        let value: String?
        let sensitive: Bool
    }

    static func list(in name: String, actorID: UUID, secrets: SecretBox, on database: any Database) async throws -> [Listed] {
        let (organization, _) = try await Organizations.membership(of: actorID, in: name, on: database)
        let organizationID = try organization.requireID()
        return try await OrganizationVariable.query(on: database).filter(\.$organization.$id == organizationID)
            .sort(\.$key).all()
            .map { variable in
                Listed(key: variable.key, value: variable.sensitive ? nil
                    : try secrets.unseal(variable.valueSealed, boundTo: OrganizationVariable.context(organizationID: organizationID, key: variable.key)), sensitive: variable.sensitive)
            }
    }

    /// Creates or replaces a variable (owners only).
    /// Returns whether the variable is stored sensitive.
    @discardableResult
    static func set(_ key: String, value: String, sensitive: Bool, in name: String, actorID: UUID,
                    secrets: SecretBox, on database: any Database) async throws -> Bool {
        try VariableRules.check(key, value: value)
        let sensitive = VariableRules.isSensitive(key, asked: sensitive)
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let organization = try await Organizations.requireOwner(actorID, in: name, on: database)
            let organizationID = try organization.requireID()
            let sealed = try secrets.seal(value, boundTo: OrganizationVariable.context(organizationID: organizationID, key: key))
            if let existing = try await OrganizationVariable.query(on: database)
                .filter(\.$organization.$id == organizationID).filter(\.$key == key).first() {
                existing.valueSealed = sealed
                existing.sensitive = sensitive
                try await existing.save(on: database)
            } else {
                try await OrganizationVariable(organizationID: organizationID, key: key, valueSealed: sealed, sensitive: sensitive)
                    .save(on: database)
            }
        }
        return sensitive
    }

    /// Deletes a variable (owners only).
    static func delete(_ key: String, in name: String, actorID: UUID, on database: any Database) async throws {
        let organization = try await Organizations.requireOwner(actorID, in: name, on: database)
        guard let variable = try await OrganizationVariable.query(on: database)
            .filter(\.$organization.$id == organization.requireID()).filter(\.$key == key).first() else {
            throw VariableRefusal.notFound(key)
        }
        try await variable.delete(on: database)
    }
}
