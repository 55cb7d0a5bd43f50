import Foundation

/// `/organizations/{organization}/environments/{environment}/variables`.
extension APIHandler {
    func listEnvironmentVariables(_ input: Operations.ListEnvironmentVariables.Input) async throws -> Operations.ListEnvironmentVariables.Output {
        let variables = try await Variables.list(.environment(organization: input.path.organization, environment: input.path.environment), actorID: try Self.actorID,
                                                            secrets: try Self.secrets, on: try Self.database)
        return .ok(.init(body: .json(variables.map { .init(key: $0.key, sensitive: $0.sensitive, value: $0.value) })))
    }

    func setEnvironmentVariable(_ input: Operations.SetEnvironmentVariable.Input) async throws -> Operations.SetEnvironmentVariable.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let sensitive = try await Variables.set(input.path.key, value: body.value, sensitive: body.sensitive ?? false,
                                                in: .environment(organization: input.path.organization, environment: input.path.environment), actorID: try Self.actorID, secrets: try Self.secrets, on: try Self.database)
        return .ok(.init(body: .json(.init(key: input.path.key, sensitive: sensitive, value: sensitive ? nil : body.value))))
    }

    func deleteEnvironmentVariable(_ input: Operations.DeleteEnvironmentVariable.Input) async throws -> Operations.DeleteEnvironmentVariable.Output {
        try await Variables.delete(input.path.key, in: .environment(organization: input.path.organization, environment: input.path.environment), actorID: try Self.actorID,
                                              on: try Self.database)
        return .noContent(.init())
    }
}
