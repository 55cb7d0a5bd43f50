import Fluent
import Foundation
import Vapor

/// Implements the operations of `openapi.yaml`; swift-openapi-generator generates the routing, decoding
/// and encoding around it. Each domain adds its operations in `<Domain>/APIHandler+<Domain>.swift`.
/// Refusals are thrown as `APIError` and rendered by `APIErrorMiddleware`, so only successes are returned.
struct APIHandler: APIProtocol {
    func getCurrentUser(_ input: Operations.GetCurrentUser.Input) async throws -> Operations.GetCurrentUser.Output {
        .ok(.init(body: .json(.init(username: try Self.request.auth.require(User.self).username))))
    }

    /// The request being served.
    static var request: Request {
        get throws { try RequestContext.request }
    }

    /// The authenticated caller's id (the API route group guarantees one).
    static var actorID: UUID {
        get throws { try request.userID }
    }

    static var database: any Database {
        get throws { try request.db }
    }

    /// The key that seals variable values.
    static var secrets: SecretBox {
        get throws { try request.application.secretBox }
    }
}

extension Request {
    /// The authenticated user's id.
    var userID: UUID {
        get throws { try auth.require(User.self).requireID() }
    }
}

extension Components.Schemas.Role {
    init(_ role: Membership.Role) {
        switch role {
        case .owner: self = .owner
        case .member: self = .member
        }
    }
}

extension Membership.Role {
    init(_ role: Components.Schemas.Role) {
        switch role {
        case .owner: self = .owner
        case .member: self = .member
        }
    }
}
