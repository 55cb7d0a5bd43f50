import Foundation

/// `/organizations/{organization}/environments`.
extension APIHandler {
    func listEnvironments(_ input: Operations.ListEnvironments.Input) async throws -> Operations.ListEnvironments.Output {
        let organization = input.path.organization
        let environments = try await Environments.list(in: organization, actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(environments.map { .init(name: $0.name, organization: organization) })))
    }

    func createEnvironment(_ input: Operations.CreateEnvironment.Input) async throws -> Operations.CreateEnvironment.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let organization = input.path.organization
        let environment = try await Environments.create(body.name, in: organization, actorID: try Self.actorID, on: try Self.database)
        return .created(.init(body: .json(.init(name: environment.name, organization: organization))))
    }

    func getEnvironment(_ input: Operations.GetEnvironment.Input) async throws -> Operations.GetEnvironment.Output {
        let organization = input.path.organization
        let environment = try await Environments.find(input.path.environment, in: organization, actorID: try Self.actorID,
                                                      on: try Self.database)
        return .ok(.init(body: .json(.init(name: environment.name, organization: organization))))
    }

    func deleteEnvironment(_ input: Operations.DeleteEnvironment.Input) async throws -> Operations.DeleteEnvironment.Output {
        try await Environments.delete(input.path.environment, in: input.path.organization, actorID: try Self.actorID,
                                      on: try Self.database)
        return .noContent(.init())
    }
}
