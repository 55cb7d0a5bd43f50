import Fluent
import Foundation
import Vapor

/// `/user/tokens`: the caller's own API tokens.
extension APIHandler {
    func listAPITokens(_ input: Operations.ListAPITokens.Input) async throws -> Operations.ListAPITokens.Output {
        let request = try Self.request
        let current = request.storage[CurrentTokenKey.self]
        let tokens = try await APITokens.list(of: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(try tokens.map { try Components.Schemas.APIToken($0, current: current) })))
    }

    func createAPIToken(_ input: Operations.CreateAPIToken.Input) async throws -> Operations.CreateAPIToken.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let (token, record) = try await APITokens.issue(to: try Self.actorID, name: body.name, expiresInDays: body.expiresInDays,
                                                        now: try Self.request.application.clock.now, on: try Self.database)
        return .created(.init(body: .json(.init(token: token, id: try record.requireID().uuidString.lowercased(), name: record.name,
                                                createdAt: record.createdAt ?? Date(),
                                                expiresAt: record.expiresAt.map(Date.init(timeIntervalSince1970:))))))
    }

    func revokeAPIToken(_ input: Operations.RevokeAPIToken.Input) async throws -> Operations.RevokeAPIToken.Output {
        guard let id = UUID(uuidString: input.path.id) else { throw AccountRefusal.tokenNotFound }
        try await APITokens.revoke(id, of: try Self.actorID, on: try Self.database)
        return .noContent(.init())
    }
}

extension Components.Schemas.APIToken {
    init(_ token: APIToken, current: UUID?) throws {
        let id = try token.requireID()
        self.init(id: id.uuidString.lowercased(), name: token.name, createdAt: token.createdAt ?? Date(timeIntervalSince1970: 0),
                  expiresAt: token.expiresAt.map(Date.init(timeIntervalSince1970:)),
                  lastUsedAt: token.lastUsedAt.map(Date.init(timeIntervalSince1970:)), current: id == current)
    }
}
