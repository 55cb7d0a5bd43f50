import Fluent
import Vapor

/// `/api/v1/organizations/:organization/environments`.
struct EnvironmentsController: RouteCollection {
    struct EnvironmentBody: Content {
        let name: String
        let organization: String
    }

    struct CreateBody: Content {
        let name: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let environments = routes.grouped("organizations", ":organization", "environments")
        environments.get(use: list)
        environments.post(use: create)
        environments.get(":environment", use: show)
        environments.delete(":environment", use: delete)
    }

    func list(_ request: Request) async throws -> [EnvironmentBody] {
        let organization = try request.organizationName
        return try await Environments.list(in: organization, actorID: try request.userID, on: request.db)
            .map { EnvironmentBody(name: $0.name, organization: organization) }
    }

    func create(_ request: Request) async throws -> Response {
        let organization = try request.organizationName
        let body = try request.content.decode(CreateBody.self)
        let environment = try await Environments.create(body.name, in: organization, actorID: try request.userID, on: request.db)
        return try await EnvironmentBody(name: environment.name, organization: organization).encodeResponse(status: .created, for: request)
    }

    func show(_ request: Request) async throws -> EnvironmentBody {
        let organization = try request.organizationName
        let environment = try await Environments.find(try request.parameters.require("environment"), in: organization,
                                                      actorID: try request.userID, on: request.db)
        return EnvironmentBody(name: environment.name, organization: organization)
    }

    func delete(_ request: Request) async throws -> HTTPStatus {
        try await Environments.delete(try request.parameters.require("environment"), in: try request.organizationName,
                                      actorID: try request.userID, on: request.db)
        return .noContent
    }
}
