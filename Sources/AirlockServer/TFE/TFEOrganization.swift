import Fluent
import Vapor

/// The organization of a TFE API path, for `action` by the caller (`Authorizer` decides).
enum TFEOrganization {
    static func find(_ request: Request, for action: Action = .read) async throws -> Grant {
        try await Authorizer.authorize(try request.userID, action, organization: try request.parameters.require("organization"), on: request.db)
    }
}
