import Fluent
import Vapor

/// `/terraform/:organization/environments[/:environment[/settings]]`, the reference's environment URLs.
struct EnvironmentPages: RouteCollection {
    struct CreateForm: Content {
        let name: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let environments = routes.grouped("terraform", ":organization", "environments")
        environments.get(use: list)
        environments.post(use: create)
        environments.get(":environment", use: show)
        environments.get(":environment", "settings", use: settings)
        environments.post(":environment", "settings", "delete", use: delete)
    }

    func list(_ request: Request) async throws -> Response {
        let name = try request.parameters.require("organization")
        let userID = try request.userID
        let (organization, membership) = try await Organizations.membership(of: userID, in: name, on: request.db)
        let environments = try await Environments.list(in: name, actorID: userID, on: request.db)
        let items = environments.map { environment -> HTML in
            "<li><a href=\"\(Self.path(organization.name, environment.name))\">\(environment.name)</a></li>"
        }
        let form: HTML = membership.role == .owner ? """
            <form method="post" action="/terraform/\(organization.name)/environments"><fieldset><legend>New environment</legend>\(CSRF.field(for: request))
            <label for="environment-name">Name</label>
            <input id="environment-name" name="name" required pattern="[a-z0-9][a-z0-9._\\-]{1,38}" aria-describedby="environment-name-help">
            <p id="environment-name-help" class="muted">2 to 39 characters: lower-case letters, digits, dot, dash, underscore.</p>
            <button type="submit">Create environment</button></fieldset></form>
            """ : "<p class=\"muted\">Only owners create environments.</p>"
        let listing: HTML = items.isEmpty ? "<p class=\"muted\">No environments yet.</p>" : "<ul>\(items)</ul>"
        return Layout.render("Environments of \(organization.name)", """
            \(listing)
            \(form)
            """, for: request)
    }

    func create(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let form = try request.content.decode(CreateForm.self)
        let userID = try request.userID
        return try await request.formAction(success: "Created environment \(form.name).", failure: "/terraform/\(organization)/environments") {
            let environment = try await Environments.create(form.name, in: organization, actorID: userID, on: request.db)
            return Self.path(organization, environment.name)
        }
    }

    func show(_ request: Request) async throws -> Response {
        let (organization, environment, _) = try await Self.load(request)
        let runs = try await RunPages.section(organization: organization, environment: environment.name, for: request)
        return Layout.render("\(organization)/\(environment.name)", """
            <p><a href="\(Self.path(organization, environment.name))/settings">Settings</a> · <a href="/terraform/\(organization)/environments">All environments</a></p>
            \(runs)
            """, for: request)
    }

    func settings(_ request: Request) async throws -> Response {
        let (organization, environment, role) = try await Self.load(request)
        let owner: HTML = role == .owner ? """
            <form method="post" action="\(Self.path(organization, environment.name))/settings/delete"><fieldset><legend>Delete this environment</legend>
            \(CSRF.field(for: request))<p>This removes the environment and everything recorded for it.</p>
            <button type="submit">Delete environment</button></fieldset></form>
            """ : "<p class=\"muted\">Only organization owners change these settings.</p>"
        return Layout.render("Settings of \(organization)/\(environment.name)", """
            <p><a href="\(Self.path(organization, environment.name))">Back to the environment</a></p>
            \(owner)
            """, for: request)
    }

    func delete(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let name = try request.parameters.require("environment")
        let userID = try request.userID
        return try await request.formAction(success: "Deleted environment \(name).", failure: Self.path(organization, name) + "/settings") {
            try await Environments.delete(name, in: organization, actorID: userID, on: request.db)
            return "/terraform/\(organization)/environments"
        }
    }

    /// The environment of the URL and the visitor's role, or 404 if the visitor cannot see it.
    static func load(_ request: Request) async throws -> (String, TerraformEnvironment, Membership.Role) {
        let organization = try request.parameters.require("organization")
        let userID = try request.userID
        let (_, membership) = try await Organizations.membership(of: userID, in: organization, on: request.db)
        let environment = try await Environments.find(try request.parameters.require("environment"), in: organization,
                                                      actorID: userID, on: request.db)
        return (organization, environment, membership.role)
    }

    static func path(_ organization: String, _ environment: String) -> String {
        "/terraform/\(organization)/environments/\(environment)"
    }
}
