import Foundation
import Vapor

/// `/organizations/{organization}/teams` and an environment's `team-access`.
extension APIHandler {
    func listTeams(_ input: Operations.ListTeams.Input) async throws -> Operations.ListTeams.Output {
        let teams = try await Teams.list(in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(teams.map(Self.team))))
    }

    func createTeam(_ input: Operations.CreateTeam.Input) async throws -> Operations.CreateTeam.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        try await Teams.create(body.name, group: body.identityProviderGroup, in: input.path.organization, actorID: try Self.actorID,
                               clock: try Self.request.application.clock, on: try Self.database)
        return .created(.init(body: .json(try await Self.team(body.name, in: input.path.organization))))
    }

    func updateTeam(_ input: Operations.UpdateTeam.Input) async throws -> Operations.UpdateTeam.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        try await Teams.setGroup(body.identityProviderGroup, of: input.path.team, in: input.path.organization, actorID: try Self.actorID,
                                 on: try Self.database)
        return .ok(.init(body: .json(try await Self.team(input.path.team, in: input.path.organization))))
    }

    func deleteTeam(_ input: Operations.DeleteTeam.Input) async throws -> Operations.DeleteTeam.Output {
        try await Teams.delete(input.path.team, in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .noContent(.init())
    }

    func addTeamMember(_ input: Operations.AddTeamMember.Input) async throws -> Operations.AddTeamMember.Output {
        try await Teams.addMember(input.path.username, to: input.path.team, in: input.path.organization, actorID: try Self.actorID,
                                  on: try Self.database)
        return .ok(.init(body: .json(try await Self.team(input.path.team, in: input.path.organization))))
    }

    func removeTeamMember(_ input: Operations.RemoveTeamMember.Input) async throws -> Operations.RemoveTeamMember.Output {
        try await Teams.removeMember(input.path.username, from: input.path.team, in: input.path.organization, actorID: try Self.actorID,
                                     on: try Self.database)
        return .noContent(.init())
    }

    func listTeamAccess(_ input: Operations.ListTeamAccess.Input) async throws -> Operations.ListTeamAccess.Output {
        let access = try await Teams.access(to: input.path.environment, in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(access.map { .init(team: $0.team, access: .init($0.access)) })))
    }

    func openEnvironmentToMembers(_ input: Operations.OpenEnvironmentToMembers.Input) async throws -> Operations.OpenEnvironmentToMembers.Output {
        try await Teams.open(input.path.environment, in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .noContent(.init())
    }

    func setTeamAccess(_ input: Operations.SetTeamAccess.Input) async throws -> Operations.SetTeamAccess.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let access = EnvironmentAccess(body.access)
        try await Teams.grant(access, to: input.path.team, on: input.path.environment, in: input.path.organization, actorID: try Self.actorID,
                              on: try Self.database)
        return .ok(.init(body: .json(.init(team: input.path.team, access: body.access))))
    }

    func removeTeamAccess(_ input: Operations.RemoveTeamAccess.Input) async throws -> Operations.RemoveTeamAccess.Output {
        try await Teams.revoke(input.path.team, on: input.path.environment, in: input.path.organization, actorID: try Self.actorID,
                               on: try Self.database)
        return .noContent(.init())
    }

    /// The named team as the API shows it.
    private static func team(_ name: String, in organization: String) async throws -> Components.Schemas.Team {
        guard let team = try await Teams.list(in: organization, actorID: try actorID, on: try database).first(where: { $0.name == name }) else {
            throw TeamRefusal.notFound(name)
        }
        return Self.team(team)
    }

    private static func team(_ team: Teams.Listed) -> Components.Schemas.Team {
        .init(name: team.name, identityProviderGroup: team.identityProviderGroup,
              members: team.members.map { .init(username: $0.username, fromGroup: $0.fromGroup) },
              environments: team.environments.map { .init(environment: $0.environment, access: .init($0.access)) })
    }
}

extension Components.Schemas.EnvironmentAccess {
    init(_ access: EnvironmentAccess) {
        switch access {
        case .read: self = .read
        case .plan: self = .plan
        case .approve: self = .approve
        case .administer: self = .administer
        }
    }
}

extension EnvironmentAccess {
    init(_ access: Components.Schemas.EnvironmentAccess) {
        switch access {
        case .read: self = .read
        case .plan: self = .plan
        case .approve: self = .approve
        case .administer: self = .administer
        }
    }
}
