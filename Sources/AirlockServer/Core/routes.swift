import Fluent
import Vapor

/// Every route of the server, by domain.
func routes(_ app: Application) throws {
    app.get("healthz") { request async throws -> HealthStatus in
        try await HealthStatus.check(request.db)
    }

    let api = app.grouped("api", "v1").grouped(BearerTokenAuthenticator(), User.guardMiddleware(
        throwing: Abort(.unauthorized, reason: "Send an API token: Authorization: Bearer airlock_...")
    ))
    api.get("user") { request async throws -> CurrentUserResponse in
        CurrentUserResponse(username: try request.auth.require(User.self).username)
    }
    try api.register(collection: OrganizationsController())
    try api.register(collection: VariablesController())
    try api.register(collection: EnvironmentsController())
}
