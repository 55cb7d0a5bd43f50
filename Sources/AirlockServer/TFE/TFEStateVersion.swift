import Fluent
import Vapor
import Foundation

/// An environment's state versions as TFE state versions (`sv-` and the version's id).
enum TFEStateVersion {
    static func id(of version: StateVersion) throws -> String {
        TFEID.make("sv", try version.requireID())
    }

    static func resource(_ version: StateVersion) throws -> TFEResource {
        let id = try id(of: version)
        return TFEResource(type: "state-versions", id: id, attributes: [
            "serial": .int(version.serial),
            "lineage": .string(version.lineage),
            "hosted-state-download-url": .string("\(TFEAPI.basePath)state-versions/\(id)/download"),
            "resources-processed": true,
            "status": "finalized",
        ])
    }

    /// The state version of a TFE id, if the caller may see its environment.
    static func find(_ id: String, actorID: UUID, on database: any Database) async throws -> StateVersion {
        guard let uuid = TFEID.parse(id, prefix: "sv"), let version = try await StateVersion.find(uuid, on: database) else {
            throw TFEError(status: .notFound, detail: "There is no such state version, or you cannot see it.")
        }
        _ = try await TFEWorkspace.environment(version.$environment.id, actorID: actorID, on: database)
        return version
    }
}
