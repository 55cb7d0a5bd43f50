import Fluent
import Foundation

/// The one store of variables, for either scope: values encrypted at rest and bound to their scope and key,
/// sensitive ones never read back for display, writes ordered by a lock on the owning row.
/// Authorization is the caller's (`Variables`); the store trusts the scope id it is given.
enum VariableStore<Variable: ScopedVariable> {
    static func listed(in scopeID: UUID, secrets: SecretBox, on database: any Database) async throws -> [ListedVariable] {
        try await all(in: scopeID, on: database).map { variable in
            ListedVariable(key: variable.key,
                           value: variable.sensitive ? nil : try unseal(variable, in: scopeID, secrets: secrets),
                           sensitive: variable.sensitive)
        }
    }

    static func unsealed(in scopeID: UUID, secrets: SecretBox, on database: any Database) async throws -> [UnsealedVariable] {
        try await all(in: scopeID, on: database).map { variable in
            UnsealedVariable(key: variable.key, value: try unseal(variable, in: scopeID, secrets: secrets), sensitive: variable.sensitive)
        }
    }

    /// The decrypted value of one variable, or nil when the scope has none by that key.
    static func value(of key: String, in scopeID: UUID, secrets: SecretBox, on database: any Database) async throws -> String? {
        try await find(key, in: scopeID, on: database).map { try unseal($0, in: scopeID, secrets: secrets) }
    }

    /// Creates or replaces `key`, under the owning row's lock (parallel writes of one key never collide).
    static func set(_ key: String, value: String, sensitive: Bool, in scopeID: UUID, secrets: SecretBox,
                    on database: any Database) async throws {
        let sealed = try secrets.seal(value, boundTo: Variable.context(scopeID: scopeID, key: key))
        try await database.transaction { database in
            try await RowLock.lock(Variable.scopeSchema, id: scopeID, on: database)
            if let existing = try await find(key, in: scopeID, on: database) {
                existing.valueSealed = sealed
                existing.sensitive = sensitive
                try await existing.save(on: database)
            } else {
                try await Variable(scopeID: scopeID, key: key, valueSealed: sealed, sensitive: sensitive).save(on: database)
            }
        }
    }

    static func delete(_ key: String, in scopeID: UUID, on database: any Database) async throws {
        guard let variable = try await find(key, in: scopeID, on: database) else { throw VariableRefusal.notFound(key) }
        try await variable.delete(on: database)
    }

    private static func all(in scopeID: UUID, on database: any Database) async throws -> [Variable] {
        try await Variable.query(on: database).filter(Variable.scopeID == scopeID).sort(Variable.keyColumn).all()
    }

    private static func find(_ key: String, in scopeID: UUID, on database: any Database) async throws -> Variable? {
        try await Variable.query(on: database).filter(Variable.scopeID == scopeID).filter(Variable.keyColumn == key).first()
    }

    private static func unseal(_ variable: Variable, in scopeID: UUID, secrets: SecretBox) throws -> String {
        try unseal(variable.valueSealed, key: variable.key, in: scopeID, secrets: secrets)
    }

    /// Decrypts the stored value of `key` in the scope, read by a statement of its own (`SerialSources`).
    static func unseal(_ sealed: String, key: String, in scopeID: UUID, secrets: SecretBox) throws -> String {
        try secrets.unseal(sealed, boundTo: Variable.context(scopeID: scopeID, key: key))
    }
}
