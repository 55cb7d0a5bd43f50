import AirlockAWS
import Crypto
import Fluent
import Foundation

/// An environment's Terraform states: every version Terraform wrote is kept; the newest is current.
enum StateVersions {
    /// The fields of a state Airlock reads.
    struct Header: Decodable {
        let serial: Int
        let lineage: String
    }

    static func latest(of environmentID: UUID, on database: any Database) async throws -> StateVersion? {
        try await StateVersion.query(on: database).filter(\.$environment.$id == environmentID).sort(\.$serial, .descending).first()
    }

    /// Refuses an apply whose plan was made on another state than the current one (`serial`: the plan's, nil for none).
    static func requireUnchanged(since serial: Int?, of environmentID: UUID, on database: any Database) async throws {
        let current = try await latest(of: environmentID, on: database)?.serial
        guard current == serial else { throw StateRefusal.changedSincePlan(planned: serial, now: current) }
    }

    /// The current state's bytes, or nil when the environment has none yet.
    static func current(of environmentID: UUID, secrets: SecretBox, on database: any Database) async throws -> Data? {
        guard let latest = try await latest(of: environmentID, on: database) else { return nil }
        return try secrets.unseal(latest.stateSealed, boundTo: StateVersion.context(environmentID: environmentID, serial: latest.serial))
    }

    /// Stores a state Terraform sent, under the lock rule of `StateWriter`. The same serial with the same content
    /// is accepted again (Terraform retries); an older serial, the same serial with other content, or another
    /// lineage is refused.
    @discardableResult
    static func store(_ state: Data, for environmentID: UUID, by writer: StateWriter, secrets: SecretBox,
                      on database: any Database) async throws -> StateVersion {
        guard let header = try? JSONDecoder().decode(Header.self, from: state) else {
            throw StateRefusal.stateRejected("The state is not Terraform state JSON (no serial and lineage).")
        }
        let digest = Hex.encode(SHA256.hash(data: state))
        return try await database.transaction { database in
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            guard let environment = try await TerraformEnvironment.find(environmentID, on: database) else { throw EnvironmentRefusal.notFound("") }
            if let held = environment.stateLock.flatMap(StateLockInfo.id(in:)) {
                guard writer.lockID == held else { throw StateRefusal.lockedByAnother(held: held) }
            } else if writer.mustHoldLock {
                throw StateRefusal.notLocked
            }
            if let latest = try await latest(of: environmentID, on: database) {
                if latest.serial == header.serial, latest.sha256 == digest { return latest }
                guard latest.lineage == header.lineage else {
                    throw StateRefusal.stateRejected("The state's lineage \(header.lineage) is not the environment's (\(latest.lineage)).")
                }
                guard header.serial > latest.serial else {
                    throw StateRefusal.stateRejected("The state's serial \(header.serial) is not newer than the stored \(latest.serial).")
                }
            }
            let sealed = try secrets.seal(state, boundTo: StateVersion.context(environmentID: environmentID, serial: header.serial))
            let version = StateVersion(environmentID: environmentID, serial: header.serial, lineage: header.lineage, sha256: digest,
                                       stateSealed: sealed, runID: writer.runID)
            try await version.save(on: database)
            return version
        }
    }
}
