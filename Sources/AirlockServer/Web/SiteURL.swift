import Foundation
import Vapor

/// Every page's address, the one place they are written: a route registers a case with `.key` parameters
/// (`routes.get(SiteURL.organization(.key).pathComponents, use: show)`), a link names one with values
/// (`SiteURL.organization(.value("acme")).path`).
enum SiteURL {
    /// A path parameter: the route's placeholder, or a link's value.
    enum Parameter<Value> {
        case key
        case value(Value)
    }

    case home
    case login
    case logout
    /// Sign-in through the identity provider, and where it sends the browser back.
    case singleSignOn
    case singleSignOnCallback
    case organizations
    case organization(Parameter<String>)
    case members(Parameter<String>)
    case removeMember(Parameter<String>, Parameter<String>)
    case endMemberSessions(Parameter<String>, Parameter<String>)
    case ownMFADevice(Parameter<String>)
    case removeOwnMFADevice(Parameter<String>)
    case revokeMFADevice(Parameter<String>)
    case notifications(Parameter<String>)
    case teams(Parameter<String>)
    case policySets(Parameter<String>)
    case policySetAction(Parameter<String>, Parameter<String>, PolicySetAction)
    case teamGroup(Parameter<String>, Parameter<String>)
    case deleteTeam(Parameter<String>, Parameter<String>)
    case teamMembers(Parameter<String>, Parameter<String>)
    case removeTeamMember(Parameter<String>, Parameter<String>, Parameter<String>)
    case teamAccess(Parameter<String>, Parameter<String>)
    case revokeTeamAccess(Parameter<String>, Parameter<String>)
    case openToMembers(Parameter<String>, Parameter<String>)
    case removeNotification(Parameter<String>, Parameter<UUID>)
    case organizationVariables
    case deleteOrganizationVariable
    case tokens
    case revokeToken
    case environments(Parameter<String>)
    case environment(Parameter<String>, Parameter<String>)
    case environmentSettings(Parameter<String>, Parameter<String>)
    case environmentVariables(Parameter<String>, Parameter<String>)
    case deleteEnvironmentVariable(Parameter<String>, Parameter<String>)
    case deleteEnvironment(Parameter<String>, Parameter<String>)
    case runs(Parameter<String>, Parameter<String>)
    case run(Parameter<String>, Parameter<String>, Parameter<UUID>)
    case runAction(Parameter<String>, Parameter<String>, Parameter<UUID>, RunAction)
    /// Where `terraform login` sends the browser (announced by service discovery).
    case terraformLogin

    /// What the policy sets page posts to for one set.
    enum PolicySetAction: String {
        case versions, settings, delete
    }

    /// What a run's page posts to, or reads (`live`).
    enum RunAction: String {
        case live, confirm, discard, cancel
        case overridePolicy = "override-policy"
        case authenticatePlan = "authenticate-plan"
        case authenticateApply = "authenticate-apply"
    }

    var pathComponents: [PathComponent] {
        switch self {
        case .home: []
        case .login: ["login"]
        case .logout: ["logout"]
        case .singleSignOn: ["login", "sso"]
        case .singleSignOnCallback: ["login", "sso", "callback"]
        case .terraformLogin: ["app", "oauth2", "authorize"]
        case .organizations: ["organizations"]
        case let .organization(name): ["organizations", Self.component(name, "organization")]
        case let .members(name): Self.organization(name).pathComponents + ["members"]
        case let .removeMember(name, username): Self.members(name).pathComponents + [Self.component(username, "username"), "remove"]
        case let .endMemberSessions(name, username): Self.members(name).pathComponents + [Self.component(username, "username"), "end-sessions"]
        case let .ownMFADevice(name): Self.organization(name).pathComponents + ["mfa-device"]
        case let .removeOwnMFADevice(name): Self.ownMFADevice(name).pathComponents + ["remove"]
        case let .revokeMFADevice(name): Self.organization(name).pathComponents + ["mfa-devices", "revoke"]
        case let .notifications(name): Self.organization(name).pathComponents + ["notifications"]
        case let .teams(name): Self.organization(name).pathComponents + ["teams"]
        case let .policySets(name): Self.organization(name).pathComponents + ["policy-sets"]
        case let .policySetAction(name, set, action): Self.policySets(name).pathComponents + [Self.component(set, "policySet"), .constant(action.rawValue)]
        case let .teamGroup(name, team): Self.teams(name).pathComponents + [Self.component(team, "team"), "group"]
        case let .deleteTeam(name, team): Self.teams(name).pathComponents + [Self.component(team, "team"), "delete"]
        case let .teamMembers(name, team): Self.teams(name).pathComponents + [Self.component(team, "team"), "members"]
        case let .removeTeamMember(name, team, username): Self.teamMembers(name, team).pathComponents + [Self.component(username, "username"), "remove"]
        case let .teamAccess(name, environment): Self.environmentSettings(name, environment).pathComponents + ["team-access"]
        case let .revokeTeamAccess(name, environment): Self.teamAccess(name, environment).pathComponents + ["revoke"]
        case let .openToMembers(name, environment): Self.teamAccess(name, environment).pathComponents + ["open"]
        case let .removeNotification(name, destination):
            Self.notifications(name).pathComponents + [Self.component(destination, "destination"), "remove"]
        case .organizationVariables: ["settings", "organization_variables"]
        case .deleteOrganizationVariable: ["settings", "organization_variables", "delete"]
        case .tokens: ["settings", "tokens"]
        case .revokeToken: ["settings", "tokens", "revoke"]
        case let .environments(name): ["terraform", Self.component(name, "organization"), "environments"]
        case let .environment(name, environment): Self.environments(name).pathComponents + [Self.component(environment, "environment")]
        case let .environmentSettings(name, environment): Self.environment(name, environment).pathComponents + ["settings"]
        case let .environmentVariables(name, environment): Self.environmentSettings(name, environment).pathComponents + ["variables"]
        case let .deleteEnvironmentVariable(name, environment): Self.environmentVariables(name, environment).pathComponents + ["delete"]
        case let .deleteEnvironment(name, environment): Self.environmentSettings(name, environment).pathComponents + ["delete"]
        case let .runs(name, environment): Self.environment(name, environment).pathComponents + ["runs"]
        case let .run(name, environment, run): Self.runs(name, environment).pathComponents + [Self.component(run, "run")]
        case let .runAction(name, environment, run, action):
            Self.run(name, environment, run).pathComponents + [.constant(action.rawValue)]
        }
    }

    /// The address of a link (values only; a `.key` prints as its placeholder).
    var path: String {
        "/" + pathComponents.map(\.description).joined(separator: "/")
    }

    /// The organization variables page of one organization (`?organization=NAME`: the reference's address has
    /// no organization in its path).
    static func organizationVariablesPage(of organization: String) -> String {
        var components = URLComponents()
        components.path = organizationVariables.path
        components.queryItems = [URLQueryItem(name: "organization", value: organization)]
        return components.string ?? organizationVariables.path
    }

    /// An environment list page's address for `listing` (query values percent-encoded; the page size is the
    /// page's own).
    static func environmentsPage(of organization: String, _ listing: EnvironmentListing) -> String {
        let path = environments(.value(organization)).path
        var components = URLComponents()
        components.path = path
        let items = listing.queryItems(withSize: false)
        components.queryItems = items.isEmpty ? nil : items
        return components.string ?? path
    }

    private static func component(_ parameter: Parameter<String>, _ name: String) -> PathComponent {
        switch parameter {
        case .key: .parameter(name)
        case let .value(value): .constant(value)
        }
    }

    private static func component(_ parameter: Parameter<UUID>, _ name: String) -> PathComponent {
        switch parameter {
        case .key: .parameter(name)
        case let .value(value): .constant(value.uuidString.lowercased())
        }
    }
}
