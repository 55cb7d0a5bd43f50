import Fluent
import Vapor

/// `/organizations/:organization/policy-sets` (`PolicySetsPage`) and its forms.
struct PolicySetPages: RouteCollection {
    struct CreateForm: Content {
        let name: String
        let enforcement: String
        let environments: String?
        let policy_name: [String]?
        let policy_source: [String]?
    }

    struct VersionForm: Content {
        let policy_name: [String]?
        let policy_source: [String]?
    }

    struct SettingsForm: Content {
        let enforcement: String?
        let environments: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.policySets(.key).pathComponents, use: show)
        routes.post(SiteURL.policySets(.key).pathComponents, use: create)
        routes.post(SiteURL.policySetAction(.key, .key, .versions).pathComponents, use: push)
        routes.post(SiteURL.policySetAction(.key, .key, .settings).pathComponents, use: settings)
        routes.post(SiteURL.policySetAction(.key, .key, .delete).pathComponents, use: delete)
    }

    func show(_ request: Request) async throws -> Response {
        let page = try await PolicySetsPage.load(organization: try request.parameters.require("organization"), visitorID: try request.userID,
                                                 hasEngine: request.application.policyEngine != nil, on: request.db)
        return Layout.render("Policy sets of \(page.organization)", page.render(csrf: CSRF.field(for: request)) { Flash.fieldError($0, on: request) },
                             for: request)
    }

    func create(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let form = try request.content.decode(CreateForm.self)
        let user = try request.auth.require(User.self)
        let names = Self.environments(form.environments)
        return try await request.formAction(redirectTo: path(organization), success: "Created the policy set \(form.name).",
                                            fields: ["invalid_name": "set-name", "name_taken": "set-name", "unknown_environment": "set-environments",
                                                     "broken_policies": "set-policies", "no_package": "set-policies"]) {
            _ = try await PolicySets.create(form.name, enforcement: form.enforcement, scope: names.isEmpty ? .all : .named(names),
                                            policies: Self.policies(form.policy_name, form.policy_source), in: organization, actor: user,
                                            engine: request.application.policyEngine, clock: request.application.clock, on: request.db)
        }
    }

    func push(_ request: Request) async throws -> Response {
        let (organization, set) = (try request.parameters.require("organization"), try request.parameters.require("policySet"))
        let form = try request.content.decode(VersionForm.self)
        let user = try request.auth.require(User.self)
        return try await request.formAction(redirectTo: path(organization), success: "Pushed a new version of \(set).") {
            _ = try await PolicySets.push(Self.policies(form.policy_name, form.policy_source), to: set, in: organization, actor: user,
                                          engine: request.application.policyEngine, clock: request.application.clock, on: request.db)
        }
    }

    func settings(_ request: Request) async throws -> Response {
        let (organization, set) = (try request.parameters.require("organization"), try request.parameters.require("policySet"))
        let form = try request.content.decode(SettingsForm.self)
        let user = try request.auth.require(User.self)
        let names = Self.environments(form.environments)
        return try await request.formAction(redirectTo: path(organization), success: "Saved \(set).") {
            _ = try await PolicySets.update(set, enforcement: form.enforcement, scope: names.isEmpty ? .all : .named(names), in: organization,
                                            actor: user, clock: request.application.clock, on: request.db)
        }
    }

    func delete(_ request: Request) async throws -> Response {
        let (organization, set) = (try request.parameters.require("organization"), try request.parameters.require("policySet"))
        let userID = try request.userID
        return try await request.formAction(redirectTo: path(organization), success: "Deleted the policy set \(set).") {
            try await PolicySets.delete(set, in: organization, actorID: userID, on: request.db)
        }
    }

    private func path(_ organization: String) -> String { SiteURL.policySets(.value(organization)).path }

    /// The form's policies: names and sources side by side, those with an empty source left out.
    static func policies(_ names: [String]?, _ sources: [String]?) -> [Policy] {
        zip(names ?? [], sources ?? []).compactMap { name, source in
            source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil
                : Policy(name: name.trimmingCharacters(in: .whitespaces), source: source.replacingOccurrences(of: "\r\n", with: "\n"))
        }
    }

    static func environments(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
