import Fluent
import Foundation

/// The environment's Terraform state lock: taken and released by Terraform (through the http backend, or the
/// TFE API's workspace lock), and released by the server for a Terraform that could not.
enum StateLocks {
    /// Takes the lock with `info` (Terraform's lock information, `{"ID": ...}`), for `runID`'s Terraform or a
    /// person; returns nil when taken, or the information of the lock already held.
    static func take(_ info: String, in environmentID: UUID, for runID: UUID?, on database: any Database) async throws -> String? {
        try await database.transaction { database in
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            guard let current = try await TerraformEnvironment.find(environmentID, on: database) else { throw EnvironmentRefusal.notFound("") }
            if let held = current.stateLock { return held }
            current.stateLock = info
            current.stateLockRunID = runID
            try await current.save(on: database)
            return nil
        }
    }

    /// Releases the lock named `lockID`; nil (an owner's force-unlock) releases whichever is held.
    static func release(_ lockID: String?, in environmentID: UUID, on database: any Database) async throws {
        try await database.transaction { database in
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            guard let current = try await TerraformEnvironment.find(environmentID, on: database) else { throw EnvironmentRefusal.notFound("") }
            if let lockID, let held = current.stateLock.flatMap(StateLockInfo.id(in:)), held != lockID {
                throw StateRefusal.lockMismatch(held: held, named: lockID)
            }
            current.stateLock = nil
            current.stateLockRunID = nil
            try await current.save(on: database)
        }
    }

    /// Releases the lock if `runID`'s Terraform holds it (a Terraform killed after a cancel or a timeout,
    /// or lost with its server, cannot); returns the released lock's ID (or "" when it had none), or nil
    /// when that run held no lock.
    @discardableResult
    static func release(heldBy runID: UUID, in environmentID: UUID, on database: any Database) async throws -> String? {
        try await database.transaction { database in
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            guard let environment = try await TerraformEnvironment.find(environmentID, on: database),
                  environment.stateLockRunID == runID, let held = environment.stateLock else { return nil }
            environment.stateLock = nil
            environment.stateLockRunID = nil
            try await environment.save(on: database)
            return StateLockInfo.id(in: held) ?? ""
        }
    }
}
