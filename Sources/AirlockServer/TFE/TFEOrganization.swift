import Fluent
import Vapor

/// The organization of a TFE API path, as the caller may see it (a member's or an owner's).
enum TFEOrganization {
    static func find(_ request: Request) async throws -> Organization {
        try await Organizations.membership(of: try request.userID, in: try request.parameters.require("organization"), on: request.db).0
    }
}
