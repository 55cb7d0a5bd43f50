import Fluent
import Vapor

/// `/api/v1/organizations/:organization/variables`: the JSON side of `/settings/organization_variables`.
struct VariablesController: RouteCollection {
    struct VariableBody: Content {
        let key: String
        /// Absent for a sensitive variable: write-only.
        let value: String?
        let sensitive: Bool
    }

    struct SetBody: Content {
        let value: String
        let sensitive: Bool?
    }

    func boot(routes: any RoutesBuilder) throws {
        let variables = routes.grouped("organizations", ":organization", "variables")
        variables.get(use: list)
        variables.on(.PUT, ":key", body: .collect(maxSize: "128kb"), use: set)
        variables.delete(":key", use: delete)
    }

    func list(_ request: Request) async throws -> [VariableBody] {
        try await OrganizationVariables.list(in: try request.organizationName, actorID: try request.userID,
                                             secrets: request.application.secretBox, on: request.db)
            .map { VariableBody(key: $0.key, value: $0.value, sensitive: $0.sensitive) }
    }

    func set(_ request: Request) async throws -> VariableBody {
        let key = try request.parameters.require("key")
        let body = try request.content.decode(SetBody.self)
        let sensitive = body.sensitive ?? false
        try await OrganizationVariables.set(key, value: body.value, sensitive: sensitive, in: try request.organizationName,
                                            actorID: try request.userID, secrets: request.application.secretBox, on: request.db)
        return VariableBody(key: key, value: sensitive ? nil : body.value, sensitive: sensitive)
    }

    func delete(_ request: Request) async throws -> HTTPStatus {
        try await OrganizationVariables.delete(try request.parameters.require("key"), in: try request.organizationName,
                                               actorID: try request.userID, on: request.db)
        return .noContent
    }
}
