import Fluent
import Vapor

/// The organizations JSON API under `/api/v1/organizations`.
struct OrganizationsController: RouteCollection {
    struct OrganizationBody: Content {
        let name: String
        let role: Membership.Role
    }

    struct CreateBody: Content {
        let name: String
    }

    struct MemberBody: Content {
        let username: String
        let role: Membership.Role
    }

    struct RoleBody: Content {
        let role: Membership.Role
    }

    func boot(routes: any RoutesBuilder) throws {
        let organizations = routes.grouped("organizations")
        organizations.get(use: list)
        organizations.post(use: create)
        organizations.get(":organization", use: show)
        organizations.get(":organization", "members", use: members)
        organizations.put(":organization", "members", ":username", use: setMember)
        organizations.delete(":organization", "members", ":username", use: removeMember)
    }

    func list(_ request: Request) async throws -> [OrganizationBody] {
        try await Organizations.list(for: try request.userID, on: request.db).map { OrganizationBody(name: $0.0.name, role: $0.1) }
    }

    func create(_ request: Request) async throws -> Response {
        let body = try request.content.decode(CreateBody.self)
        let organization = try await Organizations.create(name: body.name, creatorID: try request.userID, on: request.db)
        return try await OrganizationBody(name: organization.name, role: .owner).encodeResponse(status: .created, for: request)
    }

    func show(_ request: Request) async throws -> OrganizationBody {
        let (organization, membership) = try await Organizations.membership(of: try request.userID, in: try request.organizationName, on: request.db)
        return OrganizationBody(name: organization.name, role: membership.role)
    }

    func members(_ request: Request) async throws -> [MemberBody] {
        try await Organizations.members(of: try request.organizationName, actorID: try request.userID, on: request.db)
            .map { MemberBody(username: $0.0, role: $0.1) }
    }

    func setMember(_ request: Request) async throws -> MemberBody {
        let username = try request.parameters.require("username")
        let body = try request.content.decode(RoleBody.self)
        try await Organizations.setMember(username, role: body.role, in: try request.organizationName, actorID: try request.userID, on: request.db)
        return MemberBody(username: username, role: body.role)
    }

    func removeMember(_ request: Request) async throws -> HTTPStatus {
        try await Organizations.removeMember(try request.parameters.require("username"), from: try request.organizationName,
                                             actorID: try request.userID, on: request.db)
        return .noContent
    }
}

extension Request {
    /// The authenticated user's id (the route group guarantees one).
    var userID: UUID {
        get throws { try auth.require(User.self).requireID() }
    }

    var organizationName: String {
        get throws { try parameters.require("organization") }
    }
}
