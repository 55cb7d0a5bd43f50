import Fluent
import Vapor

/// `/` (the visitor's organizations, `OrganizationsPage`) and `/organizations/:organization` (its members,
/// `OrganizationPage`), and the forms that create an organization and change its members.
struct OrganizationPages: RouteCollection {
    struct CreateForm: Content {
        let name: String
    }

    struct MemberForm: Content {
        let username: String
        let role: Membership.Role
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.home.pathComponents, use: list)
        routes.post(SiteURL.organizations.pathComponents, use: create)
        routes.get(SiteURL.organization(.key).pathComponents, use: show)
        routes.post(SiteURL.members(.key).pathComponents, use: setMember)
        routes.post(SiteURL.removeMember(.key, .key).pathComponents, use: removeMember)
        routes.post(SiteURL.endMemberSessions(.key, .key).pathComponents, use: endSessions)
    }

    func list(_ request: Request) async throws -> Response {
        let page = try await OrganizationsPage.load(visitorID: try request.userID, creators: request.application.organizationCreators,
                                                    on: request.db)
        return Layout.render("Organizations", page.render(csrf: CSRF.field(for: request)) { Flash.fieldError($0, on: request) }, for: request)
    }

    func create(_ request: Request) async throws -> Response {
        let form = try request.content.decode(CreateForm.self)
        let userID = try request.userID
        return try await request.formAction(success: "Created organization \(form.name); you are its owner.", failure: SiteURL.home.path,
                                            fields: ["invalid_name": "organization-name", "name_taken": "organization-name"]) {
            let organization = try await Organizations.create(name: form.name, creatorID: userID,
                                                              creators: request.application.organizationCreators, on: request.db)
            return SiteURL.organization(.value(organization.name)).path
        }
    }

    func show(_ request: Request) async throws -> Response {
        let page = try await OrganizationPage.load(organization: try request.parameters.require("organization"), visitorID: try request.userID,
                                                   on: request.db)
        return Layout.render("Organization \(page.organization)", page.render(csrf: CSRF.field(for: request)) { Flash.fieldError($0, on: request) },
                             for: request)
    }

    func setMember(_ request: Request) async throws -> Response {
        let name = try request.parameters.require("organization")
        let form = try request.content.decode(MemberForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: SiteURL.organization(.value(name)).path, success: "\(form.username) is now \(form.role == .owner ? "an owner" : "a member").",
                                            fields: ["unknown_user": "member-username"]) {
            try await Organizations.setMember(form.username, role: form.role, in: name, actorID: userID, on: request.db)
        }
    }

    func endSessions(_ request: Request) async throws -> Response {
        let name = try request.parameters.require("organization")
        let username = try request.parameters.require("username")
        let userID = try request.userID
        let back = SiteURL.organization(.value(name)).path
        do {
            let ended = try await Organizations.endSessions(of: username, in: name, actorID: userID, on: request.db)
            Flash.set(.success, "Ended \(username)'s browser sessions (\(ended.sessions)) and revoked their API tokens (\(ended.tokens)).", on: request)
        } catch let refusal as any Refusal {
            Flash.set(.error, refusal.message, on: request)
        }
        return request.redirect(to: back, redirectType: .normal)
    }

    func removeMember(_ request: Request) async throws -> Response {
        let name = try request.parameters.require("organization")
        let username = try request.parameters.require("username")
        let userID = try request.userID
        return try await request.formAction(redirectTo: SiteURL.organization(.value(name)).path, success: "Removed \(username).") {
            try await Organizations.removeMember(username, from: name, actorID: userID, on: request.db)
        }
    }
}
