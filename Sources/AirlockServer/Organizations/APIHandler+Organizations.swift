import Foundation
import Vapor

/// `/organizations`, `/organizations/{organization}` and its members.
extension APIHandler {
    func listOrganizations(_ input: Operations.ListOrganizations.Input) async throws -> Operations.ListOrganizations.Output {
        let organizations = try await Organizations.list(for: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(organizations.map { .init(name: $0.0.name, role: .init($0.1)) })))
    }

    func createOrganization(_ input: Operations.CreateOrganization.Input) async throws -> Operations.CreateOrganization.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let organization = try await Organizations.create(name: body.name, creatorID: try Self.actorID,
                                                          creators: try Self.request.application.organizationCreators, on: try Self.database)
        return .created(.init(body: .json(.init(name: organization.name, role: .owner))))
    }

    func getOrganization(_ input: Operations.GetOrganization.Input) async throws -> Operations.GetOrganization.Output {
        let grant = try await Authorizer.authorize(try Self.actorID, .read, organization: input.path.organization, on: try Self.database)
        return .ok(.init(body: .json(.init(name: grant.organizationName, role: .init(grant.role)))))
    }

    func listMembers(_ input: Operations.ListMembers.Input) async throws -> Operations.ListMembers.Output {
        let members = try await Organizations.members(of: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(members.map {
            .init(username: $0.username, role: .init($0.role), lastSignInAt: $0.lastSignIn?.at,
                  signedInWith: $0.lastSignIn.flatMap { Components.Schemas.Member.SignedInWithPayload(rawValue: $0.method.rawValue) })
        })))
    }

    func endMemberSessions(_ input: Operations.EndMemberSessions.Input) async throws -> Operations.EndMemberSessions.Output {
        let ended = try await Organizations.endSessions(of: input.path.username, in: input.path.organization, actorID: try Self.actorID,
                                                        on: try Self.database)
        return .ok(.init(body: .json(.init(sessionsEnded: ended.sessions, tokensRevoked: ended.tokens))))
    }

    func setMember(_ input: Operations.SetMember.Input) async throws -> Operations.SetMember.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        try await Organizations.setMember(input.path.username, role: .init(body.role), in: input.path.organization,
                                          actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(.init(username: input.path.username, role: body.role))))
    }

    func removeMember(_ input: Operations.RemoveMember.Input) async throws -> Operations.RemoveMember.Output {
        try await Organizations.removeMember(input.path.username, from: input.path.organization, actorID: try Self.actorID,
                                             on: try Self.database)
        return .noContent(.init())
    }
}
