import Foundation

/// `/organizations/{organization}/variables`: the JSON side of `/settings/organization_variables`.
extension APIHandler {
    func listVariables(_ input: Operations.ListVariables.Input) async throws -> Operations.ListVariables.Output {
        let variables = try await Variables.list(.organization(input.path.organization), actorID: try Self.actorID,
                                                             secrets: try Self.secrets, on: try Self.database)
        return .ok(.init(body: .json(variables.map { .init(key: $0.key, sensitive: $0.sensitive, value: $0.value) })))
    }

    func setVariable(_ input: Operations.SetVariable.Input) async throws -> Operations.SetVariable.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let sensitive = try await Variables.set(input.path.key, value: body.value, sensitive: body.sensitive ?? false,
                                                in: .organization(input.path.organization),
                                            actorID: try Self.actorID, secrets: try Self.secrets,
                                            on: try Self.database)
        return .ok(.init(body: .json(.init(key: input.path.key, sensitive: sensitive, value: sensitive ? nil : body.value))))
    }

    func deleteVariable(_ input: Operations.DeleteVariable.Input) async throws -> Operations.DeleteVariable.Output {
        try await Variables.delete(input.path.key, in: .organization(input.path.organization), actorID: try Self.actorID,
                                               on: try Self.database)
        return .noContent(.init())
    }
}
