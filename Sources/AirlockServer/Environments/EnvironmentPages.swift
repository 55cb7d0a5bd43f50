import Fluent
import Vapor

/// `/terraform/:organization/environments[/:environment[/settings]]`, the reference's environment URLs.
struct EnvironmentPages: RouteCollection {
    struct CreateForm: Content {
        let name: String
    }

    struct VariableForm: Content {
        let key: String
        let value: String?
        let sensitive: String?
    }

    struct SettingsForm: Content {
        let mfa: MFALevel
        let plan_role_arn: String?
        let apply_role_arn: String?
        /// A checkbox: present ("on") when ticked.
        let require_personal_mfa_device: String?
        let approver_must_differ: String?
        let required_approvals: Int?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.environments(.key).pathComponents, use: list)
        routes.post(SiteURL.environments(.key).pathComponents, use: create)
        routes.get(SiteURL.environment(.key, .key).pathComponents, use: show)
        routes.get(SiteURL.environmentSettings(.key, .key).pathComponents, use: settings)
        routes.post(SiteURL.environmentSettings(.key, .key).pathComponents, use: saveSettings)
        routes.post(SiteURL.environmentVariables(.key, .key).pathComponents, use: setVariable)
        routes.post(SiteURL.deleteEnvironmentVariable(.key, .key).pathComponents, use: deleteVariable)
        routes.post(SiteURL.deleteEnvironment(.key, .key).pathComponents, use: delete)
    }

    func list(_ request: Request) async throws -> Response {
        let name = try request.parameters.require("organization")
        let userID = try request.userID
        let grant = try await Authorizer.authorize(userID, .read, organization: name, on: request.db)
        let listing = try EnvironmentListing(after: request.query[String.self, at: "after"], search: request.query[String.self, at: "search"])
        let page = try await Environments.list(in: name, listing, actorID: userID, on: request.db)
        let items = page.environments.map { environment -> HTML in
            "<li><a href=\"\(Self.path(grant.organizationName, environment.name))\">\(environment.name)</a></li>"
        }
        let listPath = SiteURL.environments(.value(grant.organizationName)).path
        let search: HTML = """
            <form method="get" action="\(listPath)" role="search"><label for="environment-search">Find an environment</label>
            <input id="environment-search" name="search" type="search" value="\(listing.search ?? "")" placeholder="part of its name">
            <button type="submit">Find</button>\(listing.search == nil ? "" : " <a href=\"\(listPath)\">Show all</a>" as HTML)</form>
            """
        var pages: [HTML] = []
        if listing.after != nil {
            pages.append("<a href=\"\(Self.listAddress(listPath, try EnvironmentListing(search: listing.search)))\">First page</a>")
        }
        if let next = page.next { pages.append("<a href=\"\(Self.listAddress(listPath, next))\" rel=\"next\">Next page</a>") }
        let paging: HTML = pages.isEmpty ? "" : "<nav aria-label=\"Pages\"><p>\(Array(pages.map { [$0] }.joined(separator: [" · " as HTML])))</p></nav>"
        let form: HTML = grant.isOwner ? """
            <form method="post" action="\(listPath)"><fieldset><legend>New environment</legend>\(CSRF.field(for: request))
            <label for="environment-name">Name</label>
            <input id="environment-name" name="name" required pattern="[a-z0-9][a-z0-9._\\-]{1,38}" aria-describedby="environment-name-help environment-name-error">
            \(Flash.fieldError("environment-name", on: request))
            <p id="environment-name-help" class="muted">2 to 39 characters: lower-case letters, digits, dot, dash, underscore.</p>
            <button type="submit">Create environment</button></fieldset></form>
            """ : "<p class=\"muted\">Only owners create environments.</p>"
        let empty: HTML = listing.search == nil && listing.after == nil ? "No environments yet." : "No environments match."
        let list: HTML = items.isEmpty ? "<p class=\"muted\">\(empty)</p>" : "<ul>\(items)</ul>"
        return Layout.render("Environments of \(grant.organizationName)", """
            \(search)
            \(list)
            \(paging)
            \(form)
            """, for: request)
    }

    /// The list page's address for `listing` (query values percent-encoded; the page size is the page's own).
    private static func listAddress(_ path: String, _ listing: EnvironmentListing) -> String {
        var components = URLComponents()
        components.path = path
        let items = listing.queryItems(withSize: false)
        components.queryItems = items.isEmpty ? nil : items
        return components.string ?? path
    }

    func create(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let form = try request.content.decode(CreateForm.self)
        let userID = try request.userID
        return try await request.formAction(success: "Created environment \(form.name).", failure: SiteURL.environments(.value(organization)).path,
                                            fields: ["invalid_name": "environment-name", "name_taken": "environment-name"]) {
            let environment = try await Environments.create(form.name, in: organization, actorID: userID, on: request.db)
            return Self.path(organization, environment.name)
        }
    }

    func show(_ request: Request) async throws -> Response {
        let page = try await EnvironmentPage.load(organization: try request.parameters.require("organization"),
                                                  environment: try request.parameters.require("environment"),
                                                  visitor: try request.auth.require(User.self), now: request.application.clock.now, on: request.db)
        return Layout.render("\(page.organization)/\(page.environment)", page.render(csrf: CSRF.field(for: request)), for: request)
    }

    func settings(_ request: Request) async throws -> Response {
        let page = try await EnvironmentSettingsPage.load(organization: try request.parameters.require("organization"),
                                                          environment: try request.parameters.require("environment"), actorID: try request.userID,
                                                          secrets: request.application.secretBox, on: request.db)
        return Layout.render("Settings of \(page.organization)/\(page.environment)",
                             page.render(csrf: CSRF.field(for: request)) { Flash.fieldError($0, on: request) }, for: request)
    }

    func setVariable(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let name = try request.parameters.require("environment")
        let form = try request.content.decode(VariableForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: SiteURL.environmentSettings(.value(organization), .value(name)).path, success: "Saved \(form.key).",
                                            fields: ["invalid_key": "environment-variable-key", "organization_variable_only": "environment-variable-key"]) {
            try await Variables.set(form.key, value: form.value ?? "", sensitive: form.sensitive != nil, in: .environment(organization: organization, environment: name),
                                               actorID: userID, secrets: request.application.secretBox, on: request.db)
        }
    }

    func deleteVariable(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let name = try request.parameters.require("environment")
        let form = try request.content.decode(VariableForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: SiteURL.environmentSettings(.value(organization), .value(name)).path, success: "Deleted \(form.key).") {
            try await Variables.delete(form.key, in: .environment(organization: organization, environment: name), actorID: userID, on: request.db)
        }
    }

    func saveSettings(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let name = try request.parameters.require("environment")
        let form = try request.content.decode(SettingsForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: SiteURL.environmentSettings(.value(organization), .value(name)).path, success: "Settings saved.",
                                            fields: ["mfa_not_configured": "mfa", "invalid_role_arn": "apply-role",
                                                     "invalid_required_approvals": "required-approvals"]) {
            _ = try await EnvironmentSettings.update(name, in: organization,
                                                     change: .init(mfaLevel: form.mfa, planRoleARN: form.plan_role_arn ?? "",
                                                                   applyRoleARN: form.apply_role_arn ?? "",
                                                                   requirePersonalMFADevice: form.require_personal_mfa_device != nil,
                                                                   approverMustDiffer: form.approver_must_differ != nil,
                                                                   requiredApprovals: form.required_approvals ?? 1),
                                                     actorID: userID, secrets: request.application.secretBox, on: request.db)
        }
    }

    func delete(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let name = try request.parameters.require("environment")
        let userID = try request.userID
        return try await request.formAction(success: "Deleted environment \(name).", failure: SiteURL.environmentSettings(.value(organization), .value(name)).path) {
            try await Environments.delete(name, in: organization, actorID: userID, on: request.db)
            return SiteURL.environments(.value(organization)).path
        }
    }

    static func path(_ organization: String, _ environment: String) -> String {
        SiteURL.environment(.value(organization), .value(environment)).path
    }
}
