import Fluent
import Foundation

/// The environment's Terraform state lock, as the server manages it beyond Terraform's own lock and unlock.
enum StateLocks {
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
