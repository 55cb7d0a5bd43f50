import Fluent
import Vapor

/// `/settings/organization_variables`, the reference's page for an organization's variables
/// (`?organization=NAME` picks one when the visitor belongs to several).
struct VariablesPage: RouteCollection {
    struct SetForm: Content {
        let organization: String
        let key: String
        let value: String
        /// A checkbox: present ("on") when ticked.
        let sensitive: String?
    }

    struct DeleteForm: Content {
        let organization: String
        let key: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.organizationVariables.pathComponents, use: show)
        routes.post(SiteURL.organizationVariables.pathComponents, use: set)
        routes.post(SiteURL.deleteOrganizationVariable.pathComponents, use: delete)
    }

    func show(_ request: Request) async throws -> Response {
        let userID = try request.userID
        let name: String
        if let chosen = request.query[String.self, at: "organization"] {
            name = chosen
        } else {
            let organizations = try await Organizations.list(for: userID, on: request.db)
            guard organizations.count == 1 else { return Self.chooser(organizations.map(\.0.name), for: request) }
            name = organizations[0].0.name
        }
        let grant = try await Authorizer.authorize(userID, .read, organization: name, on: request.db)
        let variables = try await Variables.list(.organization(name), actorID: userID, secrets: request.application.secretBox, on: request.db)
        let isOwner = grant.isOwner
        let csrf = CSRF.field(for: request)
        let rows = variables.map { variable -> HTML in
            let value: HTML = variable.value.map { "<code>\($0)</code>" } ?? "<span class=\"write-only\">Sensitive: write-only</span>"
            let delete: HTML = isOwner ? """
                <form class="inline" method="post" action="\(SiteURL.deleteOrganizationVariable.path)">\(csrf)
                <input type="hidden" name="organization" value="\(grant.organizationName)"><input type="hidden" name="key" value="\(variable.key)">
                <button type="submit" aria-label="Delete \(variable.key)">Delete</button></form>
                """ : .empty
            return "<tr><td><code>\(variable.key)</code></td><td>\(value)</td><td>\(variable.sensitive ? "yes" : "no")</td><td>\(delete)</td></tr>"
        }
        let table: HTML = rows.isEmpty ? "<p class=\"muted\">No variables yet.</p>" : """
            <table><thead><tr><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Sensitive</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        let form: HTML = isOwner ? """
            <form method="post" action="\(SiteURL.organizationVariables.path)"><fieldset><legend>Add or replace a variable</legend>\(csrf)
            <input type="hidden" name="organization" value="\(grant.organizationName)">
            <label for="variable-key">Key</label>
            <input id="variable-key" name="key" required pattern="[A-Za-z_][A-Za-z0-9_]{0,127}" aria-describedby="variable-key-help variable-key-error" autocomplete="off">
            \(Flash.fieldError("variable-key", on: request))
            <p id="variable-key-help" class="muted">An environment variable name, such as AWS_ACCESS_KEY_ID.</p>
            <label for="variable-value">Value</label>
            <input id="variable-value" name="value" type="password" autocomplete="off" class="wide" aria-describedby="variable-value-error">
            \(Flash.fieldError("variable-value", on: request))
            <label><input type="checkbox" name="sensitive"> Sensitive (write-only: never shown again)</label>
            <p><button type="submit">Save variable</button></p>
            </fieldset></form>
            """ : "<p class=\"muted\">Only owners change organization variables.</p>"
        return Layout.render("Organization variables", """
            <p>Organization <a href="\(SiteURL.organization(.value(grant.organizationName)).path)">\(grant.organizationName)</a>. Every run of its environments gets these.
            Multi-factor authentication for AWS needs <code>AWS_ACCESS_KEY_ID</code>, <code>AWS_SECRET_ACCESS_KEY</code> and <code>AWS_MFA_SERIAL_NUMBER</code>.</p>
            \(table)
            \(form)
            """, for: request)
    }

    func set(_ request: Request) async throws -> Response {
        let form = try request.content.decode(SetForm.self)
        let userID = try request.userID
        let back = Self.pagePath(for: form.organization)
        return try await request.formAction(redirectTo: back, success: "Saved \(form.key).",
                                            fields: ["invalid_key": "variable-key", "value_too_long": "variable-value"]) {
            try await Variables.set(form.key, value: form.value, sensitive: form.sensitive != nil, in: .organization(form.organization),
                                                actorID: userID, secrets: request.application.secretBox, on: request.db)
        }
    }

    func delete(_ request: Request) async throws -> Response {
        let form = try request.content.decode(DeleteForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: Self.pagePath(for: form.organization), success: "Deleted \(form.key).") {
            try await Variables.delete(form.key, in: .organization(form.organization), actorID: userID, on: request.db)
        }
    }

    /// The page of one organization's variables.
    static func pagePath(for organization: String) -> String {
        var components = URLComponents()
        components.path = SiteURL.organizationVariables.path
        components.queryItems = [URLQueryItem(name: "organization", value: organization)]
        return components.string ?? SiteURL.organizationVariables.path
    }

    static func chooser(_ names: [String], for request: Request) -> Response {
        let links = names.map { name -> HTML in "<li><a href=\"\(pagePath(for: name))\">\(name)</a></li>" }
        return Layout.render("Organization variables", links.isEmpty
            ? "<p class=\"muted\">You are not in an organization yet. <a href=\"\(SiteURL.home.path)\">Create one</a>.</p>"
            : "<p>Choose an organization:</p><ul>\(links)</ul>", for: request)
    }
}
