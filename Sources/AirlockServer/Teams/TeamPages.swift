import Fluent
import Vapor

/// `/organizations/:organization/teams` (`TeamsPage`) and its forms, and the forms of an environment's settings
/// page that give teams access to it.
struct TeamPages: RouteCollection {
    struct CreateForm: Content {
        let name: String
        let group: String?
    }

    struct GroupForm: Content {
        let group: String?
    }

    struct MemberForm: Content {
        let username: String
    }

    struct AccessForm: Content {
        let team: String
        let access: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.teams(.key).pathComponents, use: show)
        routes.post(SiteURL.teams(.key).pathComponents, use: create)
        routes.post(SiteURL.teamGroup(.key, .key).pathComponents, use: setGroup)
        routes.post(SiteURL.deleteTeam(.key, .key).pathComponents, use: delete)
        routes.post(SiteURL.teamMembers(.key, .key).pathComponents, use: addMember)
        routes.post(SiteURL.removeTeamMember(.key, .key, .key).pathComponents, use: removeMember)
        routes.post(SiteURL.teamAccess(.key, .key).pathComponents, use: grant)
        routes.post(SiteURL.revokeTeamAccess(.key, .key).pathComponents, use: revoke)
        routes.post(SiteURL.openToMembers(.key, .key).pathComponents, use: open)
    }

    func show(_ request: Request) async throws -> Response {
        let page = try await TeamsPage.load(organization: try request.parameters.require("organization"), visitorID: try request.userID,
                                            hasIdentityProvider: request.application.openIDProvider != nil, on: request.db)
        return Layout.render("Teams of \(page.organization)", page.render(csrf: CSRF.field(for: request)) { Flash.fieldError($0, on: request) },
                             for: request)
    }

    func create(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let form = try request.content.decode(CreateForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: teamsPath(organization), success: "Created the team \(form.name).",
                                            fields: ["invalid_name": "team-name", "name_taken": "team-name", "invalid_group": "team-group"]) {
            try await Teams.create(form.name, group: form.group, in: organization, actorID: userID, clock: request.application.clock, on: request.db)
        }
    }

    func setGroup(_ request: Request) async throws -> Response {
        let (organization, team) = (try request.parameters.require("organization"), try request.parameters.require("team"))
        let form = try request.content.decode(GroupForm.self)
        let userID = try request.userID
        let said = form.group.map { $0.isEmpty ? "\(team) follows no group." : "\(team) follows the group \($0)." } ?? "\(team) follows no group."
        return try await request.formAction(redirectTo: teamsPath(organization), success: said) {
            try await Teams.setGroup(form.group, of: team, in: organization, actorID: userID, on: request.db)
        }
    }

    func delete(_ request: Request) async throws -> Response {
        let (organization, team) = (try request.parameters.require("organization"), try request.parameters.require("team"))
        let userID = try request.userID
        return try await request.formAction(redirectTo: teamsPath(organization), success: "Deleted the team \(team).") {
            try await Teams.delete(team, in: organization, actorID: userID, on: request.db)
        }
    }

    func addMember(_ request: Request) async throws -> Response {
        let (organization, team) = (try request.parameters.require("organization"), try request.parameters.require("team"))
        let form = try request.content.decode(MemberForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: teamsPath(organization), success: "\(form.username) is in \(team).") {
            try await Teams.addMember(form.username, to: team, in: organization, actorID: userID, on: request.db)
        }
    }

    func removeMember(_ request: Request) async throws -> Response {
        let (organization, team) = (try request.parameters.require("organization"), try request.parameters.require("team"))
        let username = try request.parameters.require("username")
        let userID = try request.userID
        return try await request.formAction(redirectTo: teamsPath(organization), success: "Removed \(username) from \(team).") {
            try await Teams.removeMember(username, from: team, in: organization, actorID: userID, on: request.db)
        }
    }

    func grant(_ request: Request) async throws -> Response {
        let (organization, environment) = (try request.parameters.require("organization"), try request.parameters.require("environment"))
        let form = try request.content.decode(AccessForm.self)
        let userID = try request.userID
        let back = SiteURL.environmentSettings(.value(organization), .value(environment)).path
        return try await request.formAction(redirectTo: back, success: "\(form.team) may \(EnvironmentAccess(rawValue: form.access ?? "")?.label ?? "") here.") {
            guard let access = EnvironmentAccess(rawValue: form.access ?? "") else { throw TeamRefusal.invalidAccess(form.access ?? "") }
            try await Teams.grant(access, to: form.team, on: environment, in: organization, actorID: userID, on: request.db)
        }
    }

    func revoke(_ request: Request) async throws -> Response {
        let (organization, environment) = (try request.parameters.require("organization"), try request.parameters.require("environment"))
        let form = try request.content.decode(AccessForm.self)
        let userID = try request.userID
        let back = SiteURL.environmentSettings(.value(organization), .value(environment)).path
        return try await request.formAction(redirectTo: back, success: "\(form.team) no longer has access here.") {
            try await Teams.revoke(form.team, on: environment, in: organization, actorID: userID, on: request.db)
        }
    }

    func open(_ request: Request) async throws -> Response {
        let (organization, environment) = (try request.parameters.require("organization"), try request.parameters.require("environment"))
        let userID = try request.userID
        let back = SiteURL.environmentSettings(.value(organization), .value(environment)).path
        return try await request.formAction(redirectTo: back, success: "\(environment) is open to every member of \(organization) again.") {
            try await Teams.open(environment, in: organization, actorID: userID, on: request.db)
        }
    }

    private func teamsPath(_ organization: String) -> String { SiteURL.teams(.value(organization)).path }
}
