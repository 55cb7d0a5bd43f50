import Fluent
import Foundation
import NIOCore
import OpenAPIRuntime
import Vapor

/// `/organizations/{organization}/environments/{environment}/configuration-versions`.
extension APIHandler {
    func listConfigurationVersions(_ input: Operations.ListConfigurationVersions.Input) async throws -> Operations.ListConfigurationVersions.Output {
        let versions = try await ConfigurationVersions.list(in: input.path.organization, input.path.environment, actorID: try Self.actorID,
                                                            on: try Self.database)
        return .ok(.init(body: .json(try versions.map(Components.Schemas.ConfigurationVersion.init))))
    }

    func uploadConfigurationVersion(_ input: Operations.UploadConfigurationVersion.Input) async throws -> Operations.UploadConfigurationVersion.Output {
        guard case .applicationGzip = input.body else { throw APIError.unsupportedArchiveType }
        let request = try Self.request
        let version = try await ConfigurationVersions.upload(to: input.path.organization, input.path.environment,
                                                             actor: try request.auth.require(User.self), threadPool: request.application.threadPool,
                                                             uploads: request.application.uploadPermits, limits: request.application.requestLimits,
                                                             on: request.db) {
            // The request's own collection, not the operation's `body` sequence (`Request.collectBody(upTo:)` says why).
            try await request.collectBody(upTo: ConfigurationArchive.maximumCompressedBytes) ?? ByteBuffer()
        }
        return .created(.init(body: .json(try .init(version))))
    }
}

extension Components.Schemas.ConfigurationVersion {
    init(_ version: ConfigurationVersion) throws {
        self.init(id: try version.requireID().uuidString.lowercased(), sha256: version.sha256, size: version.size,
                  uploadedBy: version.uploadedBy, uploadedAt: Date(timeIntervalSince1970: version.uploadedAt))
    }
}
