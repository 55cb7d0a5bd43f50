import Fluent
import Vapor

/// Every route of the server, by domain.
func routes(_ app: Application) throws {
    app.get("healthz") { request async throws -> HealthStatus in
        try await HealthStatus.check(request.db)
    }
}
