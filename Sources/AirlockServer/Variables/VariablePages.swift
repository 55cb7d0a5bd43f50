import Fluent
import Vapor

/// `/settings/organization_variables`, the reference's page for an organization's variables (`VariablesPage`;
/// `?organization=NAME` picks one when the visitor belongs to several), and its forms.
struct VariablePages: RouteCollection {
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
        let page = try await VariablesPage.load(organization: request.query[String.self, at: "organization"], visitorID: try request.userID,
                                                secrets: request.application.secretBox, on: request.db)
        return Layout.render("Organization variables", page.render(csrf: CSRF.field(for: request)) { Flash.fieldError($0, on: request) },
                             for: request)
    }

    func set(_ request: Request) async throws -> Response {
        let form = try request.content.decode(SetForm.self)
        let userID = try request.userID
        let back = SiteURL.organizationVariablesPage(of: form.organization)
        return try await request.formAction(redirectTo: back, success: "Saved \(form.key).",
                                            fields: ["invalid_key": "variable-key", "value_too_long": "variable-value"]) {
            try await Variables.set(form.key, value: form.value, sensitive: form.sensitive != nil, in: .organization(form.organization),
                                                actorID: userID, secrets: request.application.secretBox, on: request.db)
        }
    }

    func delete(_ request: Request) async throws -> Response {
        let form = try request.content.decode(DeleteForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: SiteURL.organizationVariablesPage(of: form.organization), success: "Deleted \(form.key).") {
            try await Variables.delete(form.key, in: .organization(form.organization), actorID: userID, on: request.db)
        }
    }
}
