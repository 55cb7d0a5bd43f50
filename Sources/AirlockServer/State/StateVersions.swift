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

    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    static func latest(of environmentID: UUID, on database: any Database) async throws -> StateVersion? {
        try await StateVersion.query(on: database).filter(\.$environment.$id == environmentID).sort(\.$serial, .descending).first()
    }

    /// The current state's bytes, or nil when the environment has none yet.
    static func current(of environmentID: UUID, secrets: SecretBox, on database: any Database) async throws -> Data? {
        guard let latest = try await latest(of: environmentID, on: database) else { return nil }
        return try secrets.unseal(latest.stateSealed, boundTo: StateVersion.context(environmentID: environmentID, serial: latest.serial))
    }

    /// Stores a state Terraform sent. The same serial with the same content is accepted again (Terraform
    /// retries); an older serial, the same serial with other content, or another lineage is refused.
    @discardableResult
    static func store(_ state: Data, for environmentID: UUID, runID: UUID?, secrets: SecretBox, on database: any Database) async throws -> StateVersion {
        guard let header = try? JSONDecoder().decode(Header.self, from: state) else {
            throw Refused(description: "The state is not Terraform state JSON (no serial and lineage).")
        }
        let digest = Hex.encode(SHA256.hash(data: state))
        return try await database.transaction { database in
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            if let latest = try await latest(of: environmentID, on: database) {
                if latest.serial == header.serial, latest.sha256 == digest { return latest }
                guard latest.lineage == header.lineage else {
                    throw Refused(description: "The state's lineage \(header.lineage) is not the environment's (\(latest.lineage)).")
                }
                guard header.serial > latest.serial else {
                    throw Refused(description: "The state's serial \(header.serial) is not newer than the stored \(latest.serial).")
                }
            }
            let sealed = try secrets.seal(state, boundTo: StateVersion.context(environmentID: environmentID, serial: header.serial))
            let version = StateVersion(environmentID: environmentID, serial: header.serial, lineage: header.lineage, sha256: digest,
                                       stateSealed: sealed, runID: runID)
            try await version.save(on: database)
            return version
        }
    }
}
