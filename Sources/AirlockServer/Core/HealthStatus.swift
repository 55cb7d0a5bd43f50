import Fluent
import Vapor

/// `GET /healthz`: the server answers and its database does.
struct HealthStatus: Content {
    let status: String
    let database: String

    static func check(_ database: any Database) async throws -> HealthStatus {
        _ = try await User.query(on: database).count()
        return HealthStatus(status: "ok", database: "ok")
    }
}
