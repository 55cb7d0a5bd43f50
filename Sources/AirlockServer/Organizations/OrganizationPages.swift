import Fluent
import Vapor

/// `/` (the visitor's organizations) and `/organizations/:organization` (its members).
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
    }

    func list(_ request: Request) async throws -> Response {
        let organizations = try await Organizations.list(for: try request.userID, on: request.db)
        let mayCreate = try await User.find(try request.userID, on: request.db).map(request.application.organizationCreators.allow) ?? false
        let rows = organizations.map { organization, role -> HTML in
            let name = organization.name
            return """
                <tr><td><a href="\(SiteURL.organization(.value(name)).path)">\(name)</a></td><td>\(role.rawValue)</td>
                <td><a href="\(SiteURL.environments(.value(name)).path)">Environments</a> · <a href="\(VariablesPage.pagePath(for: name))">Variables</a></td></tr>
                """
        }
        let table: HTML = rows.isEmpty
            ? "<p class=\"muted\">You are not in an organization yet. \(mayCreate ? "Create one, or ask" : "Ask") an owner to add you.</p>"
            : "<table><thead><tr><th scope=\"col\">Organization</th><th scope=\"col\">Your role</th><th scope=\"col\">Go to</th></tr></thead><tbody>\(rows)</tbody></table>"
        let createForm: HTML = mayCreate ? """
            <form method="post" action="\(SiteURL.organizations.path)"><fieldset><legend>New organization</legend>
            \(CSRF.field(for: request))
            <label for="organization-name">Name</label>
            <input id="organization-name" name="name" required pattern="[a-z0-9][a-z0-9._\\-]{1,38}" aria-describedby="organization-name-help organization-name-error">
            \(Flash.fieldError("organization-name", on: request))
            <p id="organization-name-help" class="muted">2 to 39 characters: lower-case letters, digits, dot, dash, underscore.</p>
            <button type="submit">Create organization</button>
            </fieldset></form>
            """ : "<p class=\"muted\">This server's administrators create organizations.</p>"
        return Layout.render("Organizations", """
            \(table)
            \(createForm)
            """, for: request)
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
        let name = try request.parameters.require("organization")
        let grant = try await Authorizer.authorize(try request.userID, .read, organization: name, on: request.db)
        let members = try await Organizations.members(of: name, actorID: try request.userID, on: request.db)
        let isOwner = grant.isOwner
        let csrf = CSRF.field(for: request)
        let device = try await PersonalMFADevices.find(userID: try request.userID, organizationID: grant.organizationID, on: request.db)
        let registrations: HTML = isOwner
            ? PersonalMFADevicePages.registrations(organization: name, devices: try await PersonalMFADevices.all(in: name, actorID: try request.userID, on: request.db),
                                                   csrf: csrf)
            : .empty
        let rows = members.map { username, role -> HTML in
            let actions: HTML = isOwner ? """
                <form class="inline" method="post" action="\(SiteURL.members(.value(grant.organizationName)).path)">\(csrf)
                <input type="hidden" name="username" value="\(username)">
                <label class="visually-hidden" for="role-\(username)">Role of \(username)</label>
                <select id="role-\(username)" name="role">\(Self.roleOptions(selected: role))</select>
                <button type="submit">Change role</button></form>
                <form class="inline" method="post" action="\(SiteURL.removeMember(.value(grant.organizationName), .value(username)).path)">\(csrf)
                <button type="submit">Remove</button></form>
                """ : .empty
            return "<tr><td>\(username)</td><td>\(role.rawValue)</td><td>\(actions)</td></tr>"
        }
        let addForm: HTML = isOwner ? """
            <form method="post" action="\(SiteURL.members(.value(grant.organizationName)).path)"><fieldset><legend>Add a member</legend>\(csrf)
            <label for="member-username">Username</label><input id="member-username" name="username" required aria-describedby="member-username-error">
            \(Flash.fieldError("member-username", on: request))
            <label for="member-role">Role</label><select id="member-role" name="role">\(Self.roleOptions(selected: .member))</select>
            <p><button type="submit">Add member</button></p></fieldset></form>
            """ : "<p class=\"muted\">Only owners add and remove members.</p>"
        return Layout.render("Organization \(grant.organizationName)", """
            <p><a href="\(SiteURL.environments(.value(grant.organizationName)).path)">Environments</a> · <a href="\(VariablesPage.pagePath(for: grant.organizationName))">Organization variables</a>\(isOwner ? " · <a href=\"\(SiteURL.notifications(.value(grant.organizationName)).path)\">Notifications</a>" as HTML : .empty)</p>
            <h2>Members</h2>
            <table><thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>\(rows)</tbody></table>
            \(addForm)
            \(PersonalMFADevicePages.section(organization: grant.organizationName, device: device, csrf: csrf, request: request))
            \(registrations)
            """, for: request)
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

    func removeMember(_ request: Request) async throws -> Response {
        let name = try request.parameters.require("organization")
        let username = try request.parameters.require("username")
        let userID = try request.userID
        return try await request.formAction(redirectTo: SiteURL.organization(.value(name)).path, success: "Removed \(username).") {
            try await Organizations.removeMember(username, from: name, actorID: userID, on: request.db)
        }
    }

    static func roleOptions(selected: Membership.Role) -> [HTML] {
        Membership.Role.allCases.map { role in
            "<option value=\"\(role.rawValue)\"\(HTML(trusted: role == selected ? " selected" : ""))>\(role.rawValue)</option>"
        }
    }
}
