import AirlockAWS
import Crypto
import Fluent
import Foundation

/// Configuration uploads: any member of the organization uploads; the same content is stored once.
enum ConfigurationVersions {
    /// Checks and stores `archive` for the environment; returns the stored version (the existing one when
    /// the same archive was uploaded before).
    static func upload(_ archive: Data, to organization: String, _ environmentName: String, actor: User,
                       on database: any Database) async throws -> ConfigurationVersion {
        let environment = try await Environments.find(environmentName, in: organization, actorID: try actor.requireID(), on: database)
        _ = try ConfigurationArchive.entries(of: archive)
        let digest = Hex.encode(SHA256.hash(data: archive))
        let environmentID = try environment.requireID()
        return try await database.transaction { database in
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            if let existing = try await ConfigurationVersion.query(on: database).filter(\.$environment.$id == environmentID)
                .filter(\.$sha256 == digest).first() {
                existing.uploadedAt = Date().timeIntervalSince1970
                existing.uploadedBy = actor.username
                try await existing.save(on: database)
                return existing
            }
            let version = ConfigurationVersion(environmentID: environmentID, sha256: digest, archive: archive, uploadedBy: actor.username)
            try await version.save(on: database)
            return version
        }
    }

    /// The environment's uploads, newest first, without their archives.
    static func list(in organization: String, _ environmentName: String, actorID: UUID, on database: any Database) async throws -> [ConfigurationVersion] {
        let environment = try await Environments.find(environmentName, in: organization, actorID: actorID, on: database)
        return try await ConfigurationVersion.query(on: database).filter(\.$environment.$id == environment.requireID())
            .field(\.$id).field(\.$environment.$id).field(\.$sha256).field(\.$size).field(\.$uploadedBy).field(\.$uploadedAt)
            .sort(\.$uploadedAt, .descending).all()
    }
}
