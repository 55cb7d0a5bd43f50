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
    }

    func boot(routes: any RoutesBuilder) throws {
        let environments = routes.grouped("terraform", ":organization", "environments")
        environments.get(use: list)
        environments.post(use: create)
        environments.get(":environment", use: show)
        environments.get(":environment", "settings", use: settings)
        environments.post(":environment", "settings", use: saveSettings)
        environments.post(":environment", "settings", "variables", use: setVariable)
        environments.post(":environment", "settings", "variables", "delete", use: deleteVariable)
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
            <input id="environment-name" name="name" required pattern="[a-z0-9][a-z0-9._\\-]{1,38}" aria-describedby="environment-name-help environment-name-error">
            \(Flash.fieldError("environment-name", on: request))
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
        return try await request.formAction(success: "Created environment \(form.name).", failure: "/terraform/\(organization)/environments",
                                            fields: ["invalid_name": "environment-name", "name_taken": "environment-name"]) {
            let environment = try await Environments.create(form.name, in: organization, actorID: userID, on: request.db)
            return Self.path(organization, environment.name)
        }
    }

    func show(_ request: Request) async throws -> Response {
        let (organization, environment, _) = try await Self.load(request)
        let runs = try await RunPages.section(organization: organization, environment: environment.name, mfaLevel: environment.mfaLevel,
                                              environmentID: try environment.requireID(), for: request)
        return Layout.render("\(organization)/\(environment.name)", """
            <p><a href="\(Self.path(organization, environment.name))/settings">Settings</a> · <a href="/terraform/\(organization)/environments">All environments</a></p>
            \(runs)
            """, for: request)
    }

    func settings(_ request: Request) async throws -> Response {
        let (organization, environment, role) = try await Self.load(request)
        let isOwner = role == .owner
        let disabled = HTML(trusted: isOwner ? "" : " disabled")
        let options = MFALevel.allCases.map { level -> HTML in
            "<option value=\"\(level.rawValue)\"\(HTML(trusted: level == environment.mfaLevel ? " selected" : ""))>\(level.label)</option>"
        }
        let save: HTML = isOwner ? "<p><button type=\"submit\">Save</button></p>"
            : "<p class=\"muted\">Only organization owners change these settings.</p>"
        let delete: HTML = isOwner ? """
            <form method="post" action="\(Self.path(organization, environment.name))/settings/delete"><fieldset><legend>Delete this environment</legend>
            \(CSRF.field(for: request))<p>This removes the environment and everything recorded for it.</p>
            <button type="submit">Delete environment</button></fieldset></form>
            """ : .empty
        let variables = try await Variables.list(.environment(organization: organization, environment: environment.name), actorID: try request.userID,
                                                            secrets: request.application.secretBox, on: request.db)
        let variablesPath = "\(Self.path(organization, environment.name))/settings/variables"
        let variableRows = variables.map { variable -> HTML in
            let value: HTML = variable.value.map { "<code>\($0)</code>" } ?? "<span class=\"write-only\">Sensitive: write-only</span>"
            let remove: HTML = isOwner ? """
                <form class="inline" method="post" action="\(variablesPath)/delete">\(CSRF.field(for: request))<input type="hidden" name="key" value="\(variable.key)"><button type="submit" aria-label="Delete \(variable.key)">Delete</button></form>
                """ : .empty
            return "<tr><td><code>\(variable.key)</code></td><td>\(value)</td><td>\(remove)</td></tr>"
        }
        let variableForm: HTML = isOwner ? """
            <form method="post" action="\(variablesPath)"><fieldset><legend>Add or replace an environment variable</legend>\(CSRF.field(for: request))
            <label for="environment-variable-key">Key</label><input id="environment-variable-key" name="key" required pattern="[A-Za-z_][A-Za-z0-9_]{0,127}" autocomplete="off" aria-describedby="environment-variable-key-error">
            \(Flash.fieldError("environment-variable-key", on: request))
            <label for="environment-variable-value">Value</label><input id="environment-variable-value" name="value" autocomplete="off">
            <label><input type="checkbox" name="sensitive"> Sensitive (write-only: never shown again)</label>
            <p><button type="submit">Save variable</button></p></fieldset></form>
            """ : .empty
        let variablesSection: HTML = """
            <h2>Environment variables</h2>
            <p class="muted">Passed to Terraform with the organization's variables; the same key here wins.</p>
            \(variableRows.isEmpty ? HTML("<p class=\"muted\">None.</p>") : HTML("<table><thead><tr><th scope=\"col\">Key</th><th scope=\"col\">Value</th><th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th></tr></thead><tbody>\(variableRows)</tbody></table>"))
            \(variableForm)
            """
        return Layout.render("Settings of \(organization)/\(environment.name)", """
            <p><a href="\(Self.path(organization, environment.name))">Back to the environment</a></p>
            <form method="post" action="\(Self.path(organization, environment.name))/settings"><fieldset><legend>AWS</legend>
            \(CSRF.field(for: request))
            <label for="mfa">AWS Multi-Factor Authentication</label>
            <select id="mfa" name="mfa" aria-describedby="mfa-help"\(disabled)>\(options)</select>
            \(Flash.fieldError("mfa", on: request))
            <p id="mfa-help" class="muted">Which runs need a token code from the MFA device of the organization variable AWS_MFA_SERIAL_NUMBER.
            Enabling it needs AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_MFA_SERIAL_NUMBER at <a href="\(VariablesPage.pagePath(for: organization))">/settings/organization_variables</a>.
            All runs queued after saving follow the new level.</p>
            <label for="plan-role">AWS plan role ARN (optional)</label>
            <input id="plan-role" name="plan_role_arn" value="\(environment.planRoleARN ?? "")" placeholder="arn:aws:iam::123456789012:role/terraform-read-only"\(disabled)>
            <label for="apply-role">AWS apply role ARN (optional)</label>
            <input id="apply-role" name="apply_role_arn" value="\(environment.applyRoleARN ?? "")" placeholder="arn:aws:iam::123456789012:role/terraform-apply"\(disabled)>
            \(Flash.fieldError("apply-role", on: request))
            <p class="muted">Airlock assumes the role with the run's session (SourceIdentity: the approving user); one role may serve both.</p>
            \(save)
            </fieldset></form>
            \(variablesSection)
            \(delete)
            """, for: request)
    }

    func setVariable(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let name = try request.parameters.require("environment")
        let form = try request.content.decode(VariableForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: Self.path(organization, name) + "/settings", success: "Saved \(form.key).",
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
        return try await request.formAction(redirectTo: Self.path(organization, name) + "/settings", success: "Deleted \(form.key).") {
            try await Variables.delete(form.key, in: .environment(organization: organization, environment: name), actorID: userID, on: request.db)
        }
    }

    func saveSettings(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let name = try request.parameters.require("environment")
        let form = try request.content.decode(SettingsForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: Self.path(organization, name) + "/settings", success: "Settings saved.",
                                            fields: ["mfa_not_configured": "mfa", "invalid_role_arn": "apply-role"]) {
            _ = try await EnvironmentSettings.update(name, in: organization,
                                                     change: .init(mfaLevel: form.mfa, planRoleARN: form.plan_role_arn ?? "",
                                                                   applyRoleARN: form.apply_role_arn ?? ""),
                                                     actorID: userID, secrets: request.application.secretBox, on: request.db)
        }
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
