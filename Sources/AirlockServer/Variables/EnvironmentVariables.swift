import Fluent
import Foundation

/// Environment variable operations: members read (sensitive values never), owners write. The AWS keys
/// and MFA serial that MFA uses are organization variables only.
enum EnvironmentVariables {
    static func list(in organization: String, _ environmentName: String, actorID: UUID, secrets: SecretBox,
                     on database: any Database) async throws -> [OrganizationVariables.Listed] {
        let environment = try await Environments.find(environmentName, in: organization, actorID: actorID, on: database)
        let environmentID = try environment.requireID()
        return try await EnvironmentVariable.query(on: database).filter(\.$environment.$id == environmentID).sort(\.$key).all()
            .map { variable in
                .init(key: variable.key, value: variable.sensitive ? nil
                    : try secrets.unseal(variable.valueSealed, boundTo: EnvironmentVariable.context(environmentID: environmentID, key: variable.key)),
                      sensitive: variable.sensitive)
            }
    }

    /// Returns whether the variable is stored sensitive.
    @discardableResult
    static func set(_ key: String, value: String, sensitive: Bool, in organization: String, _ environmentName: String, actorID: UUID,
                    secrets: SecretBox, on database: any Database) async throws -> Bool {
        try VariableRules.check(key, value: value)
        let sensitive = VariableRules.isSensitive(key, asked: sensitive)
        guard !AWSAccess.withheldVariables.contains(key) else { throw VariableRefusal.organizationLevelOnly(key) }
        _ = try await Organizations.requireOwner(actorID, in: organization, on: database)
        let environment = try await Environments.find(environmentName, in: organization, actorID: actorID, on: database)
        let environmentID = try environment.requireID()
        try await database.transaction { database in
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            let sealed = try secrets.seal(value, boundTo: EnvironmentVariable.context(environmentID: environmentID, key: key))
            if let existing = try await EnvironmentVariable.query(on: database).filter(\.$environment.$id == environmentID)
                .filter(\.$key == key).first() {
                existing.valueSealed = sealed
                existing.sensitive = sensitive
                try await existing.save(on: database)
            } else {
                try await EnvironmentVariable(environmentID: environmentID, key: key, valueSealed: sealed, sensitive: sensitive).save(on: database)
            }
        }
        return sensitive
    }

    static func delete(_ key: String, in organization: String, _ environmentName: String, actorID: UUID, on database: any Database) async throws {
        _ = try await Organizations.requireOwner(actorID, in: organization, on: database)
        let environment = try await Environments.find(environmentName, in: organization, actorID: actorID, on: database)
        guard let variable = try await EnvironmentVariable.query(on: database).filter(\.$environment.$id == environment.requireID())
            .filter(\.$key == key).first() else {
            throw VariableRefusal.notFound(key)
        }
        try await variable.delete(on: database)
    }

    /// Every variable of the environment, decrypted, for Terraform's environment.
    static func forRun(environmentID: UUID, secrets: SecretBox, on database: any Database) async throws -> [OrganizationVariables.Unsealed] {
        try await EnvironmentVariable.query(on: database).filter(\.$environment.$id == environmentID).sort(\.$key).all()
            .map { variable in
                .init(key: variable.key,
                      value: try secrets.unseal(variable.valueSealed, boundTo: EnvironmentVariable.context(environmentID: environmentID, key: variable.key)),
                      sensitive: variable.sensitive)
            }
    }
}
