import Fluent
import Vapor

/// `/terraform/:organization/environments[/:environment[/settings]]`, the reference's environment URLs
/// (`EnvironmentsPage`, `EnvironmentPage`, `EnvironmentSettingsPage`), and their forms.
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
        let aws_session_hours: Int?
        let approval_sign_in_minutes: Int?
        let approval_needs_provider_mfa: String?
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
        let listing = try EnvironmentListing(after: request.query[String.self, at: "after"], search: request.query[String.self, at: "search"])
        let page = try await EnvironmentsPage.load(organization: try request.parameters.require("organization"), listing: listing,
                                                   visitorID: try request.userID, on: request.db)
        return Layout.render("Environments of \(page.organization)", page.render(csrf: CSRF.field(for: request)) { Flash.fieldError($0, on: request) },
                             for: request)
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
                                                  visitor: try request.auth.require(User.self), now: request.application.clock.now,
                                                  secrets: request.application.secretBox, on: request.db)
        return Layout.render("\(page.organization)/\(page.environment)", page.render(csrf: CSRF.field(for: request)), for: request)
    }

    func settings(_ request: Request) async throws -> Response {
        let page = try await EnvironmentSettingsPage.load(organization: try request.parameters.require("organization"),
                                                          environment: try request.parameters.require("environment"), actorID: try request.userID,
                                                          secrets: request.application.secretBox,
                                                          hasIdentityProvider: request.application.openIDProvider != nil, on: request.db)
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
                                                     "invalid_required_approvals": "required-approvals",
                                                     "invalid_aws_session_hours": "aws-session-hours",
                                                     "invalid_approval_sign_in_minutes": "approval-sign-in-minutes",
                                                     "provider_mfa_without_step_up": "approval-sign-in-minutes",
                                                     "no_identity_provider": "approval-sign-in-minutes"]) {
            _ = try await EnvironmentSettings.update(name, in: organization,
                                                     change: .init(mfaLevel: form.mfa, planRoleARN: form.plan_role_arn ?? "",
                                                                   applyRoleARN: form.apply_role_arn ?? "",
                                                                   requirePersonalMFADevice: form.require_personal_mfa_device != nil,
                                                                   approverMustDiffer: form.approver_must_differ != nil,
                                                                   requiredApprovals: form.required_approvals ?? 1,
                                                                   awsSessionHours: form.aws_session_hours,
                                                                   approvalSignInMinutes: form.approval_sign_in_minutes,
                                                                   approvalNeedsProviderMFA: form.approval_sign_in_minutes == nil ? nil
                                                                       : form.approval_needs_provider_mfa != nil),
                                                     actorID: userID, secrets: request.application.secretBox,
                                                     hasIdentityProvider: request.application.openIDProvider != nil, on: request.db)
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
