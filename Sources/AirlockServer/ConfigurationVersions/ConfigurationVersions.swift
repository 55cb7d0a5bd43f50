import AirlockAWS
import Crypto
import Fluent
import Foundation
import NIOCore
import NIOPosix

/// Configuration uploads: any member of the organization uploads; the same content is stored once.
enum ConfigurationVersions {
    /// Archives inflated and checked at once, server-wide (work for the processors; their bodies are in memory).
    private static let checksAtOnce = Permits(2)

    /// Checks and stores the archive `readArchive` reads for the environment, once the actor is known to be
    /// a member (nothing of the body is read before); returns the stored version (the existing one when the
    /// same archive was uploaded before). The body is read under one of the organization's permits
    /// (`uploads`) within `limits.bodyTimeout`, so a client that stalls holds only its own organization's
    /// slot, for a while; the archive is then inflated and checked on `threadPool` under a server-wide permit.
    static func upload(to organization: String, _ environmentName: String, actor: User, threadPool: NIOThreadPool,
                       uploads: KeyedPermits<UUID>, limits: RequestLimits, on database: any Database,
                       readArchive: @escaping @Sendable () async throws -> ByteBuffer) async throws -> ConfigurationVersion {
        let environment = try await Environments.find(environmentName, in: organization, actorID: try actor.requireID(), for: .plan,
                                                      on: database)
        let environmentID = try environment.requireID()
        return try await uploads.withPermit(environment.$organization.id) {
            let archive = try await withDeadline(limits.bodyTimeout, timedOut: APIError.bodyTimedOut(seconds: limits.bodyTimeout), readArchive)
            _ = try await checksAtOnce.withPermit { try await threadPool.runIfActive { try ConfigurationArchive.check(archive) } }
            let digest = Hex.encode(SHA256.hash(data: archive.readableBytesView))
            return try await database.transaction { database in
                try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
                if let existing = try await withoutArchives(ConfigurationVersion.query(on: database)).filter(\.$environment.$id == environmentID)
                    .filter(\.$sha256 == digest).first() {
                    existing.uploadedAt = Date().timeIntervalSince1970
                    existing.uploadedBy = actor.username
                    try await existing.save(on: database)
                    return existing
                }
                let version = ConfigurationVersion(environmentID: environmentID, sha256: digest, archive: Data(archive.readableBytesView),
                                                   uploadedBy: actor.username)
                try await version.save(on: database)
                return version
            }
        }
    }

    /// `query` selecting every field but the archive itself.
    private static func withoutArchives(_ query: QueryBuilder<ConfigurationVersion>) -> QueryBuilder<ConfigurationVersion> {
        query.field(\.$id).field(\.$environment.$id).field(\.$sha256).field(\.$size).field(\.$uploadedBy).field(\.$uploadedAt)
    }

    /// The environment's uploads, newest first, without their archives.
    static func list(in organization: String, _ environmentName: String, actorID: UUID, on database: any Database) async throws -> [ConfigurationVersion] {
        let environment = try await Environments.find(environmentName, in: organization, actorID: actorID, on: database)
        return try await withoutArchives(ConfigurationVersion.query(on: database)).filter(\.$environment.$id == environment.requireID())
            .sort(\.$uploadedAt, .descending).all()
    }
}
