import Vapor

/// The rule of every route of the server, by method and path as Vapor registers them: who may call what, in
/// one table. `AuthorizationMiddleware` enforces it before any handler; a route without a rule is refused
/// (and `AuthorizationMatrixTests` fails for it).
enum RouteRules {
    /// The rule of `route`; nil when the table has none.
    static func rule(for route: Route) -> RouteRule? {
        rule(method: route.method, path: route.path)
    }

    static func rule(method: HTTPMethod, path: [PathComponent]) -> RouteRule? {
        // Vapor answers HEAD with the GET route.
        let method = method == .HEAD ? .GET : method
        return table["\(method.rawValue) /\(path.map(\.description).joined(separator: "/"))"]
    }

    private static let table: [String: RouteRule] = {
        var table: [String: RouteRule] = [:]
        for (key, rule) in open + api + pages + tfe + stateBackend {
            precondition(table.updateValue(rule, forKey: key) == nil, "Two rules for \(key)")
        }
        return table
    }()

    private static let open: [(String, RouteRule)] = [
        ("GET /healthz", .open), ("GET /assets/airlock.css", .open), ("GET /assets/airlock.js", .open),
        ("GET /.well-known/terraform.json", .open),
        ("GET /login", .open), ("POST /login", .open), ("POST /logout", .open),
        ("GET /login/sso", .open), ("GET /login/sso/callback", .open),
        // Terraform's `terraform login` trades its one-time code for a token: the code is the credential.
        ("POST /oauth2/token", .capability),
    ]

    /// The JSON API (`openapi.yaml`).
    private static let api: [(String, RouteRule)] = [
        ("GET /api/v1/user", .signedIn), ("GET /api/v1/user/tokens", .signedIn), ("POST /api/v1/user/tokens", .signedIn),
        ("DELETE /api/v1/user/tokens/:id", .signedIn),
        ("GET /api/v1/organizations", .signedIn), ("POST /api/v1/organizations", .signedIn),
        ("GET /api/v1/organizations/:organization", .member(.read)),
        ("GET /api/v1/organizations/:organization/mfa-device", .member(.read)),
        ("PUT /api/v1/organizations/:organization/mfa-device", .member(.read)),
        ("DELETE /api/v1/organizations/:organization/mfa-device", .member(.read)),
        ("GET /api/v1/organizations/:organization/mfa-devices", .member(.administer)),
        ("DELETE /api/v1/organizations/:organization/mfa-devices/:username", .member(.administer)),
        ("GET /api/v1/organizations/:organization/notification-destinations", .member(.administer)),
        ("POST /api/v1/organizations/:organization/notification-destinations", .member(.administer)),
        ("DELETE /api/v1/organizations/:organization/notification-destinations/:destination", .member(.administer)),
        ("GET /api/v1/organizations/:organization/notification-deliveries", .member(.administer)),
        ("GET /api/v1/organizations/:organization/members", .member(.read)),
        ("PUT /api/v1/organizations/:organization/members/:username", .member(.administer)),
        ("DELETE /api/v1/organizations/:organization/members/:username", .member(.administer)),
        ("POST /api/v1/organizations/:organization/members/:username/actions/end-sessions", .member(.administer)),
        ("GET /api/v1/organizations/:organization/teams", .member(.read)),
        ("POST /api/v1/organizations/:organization/teams", .member(.administer)),
        ("PATCH /api/v1/organizations/:organization/teams/:team", .member(.administer)),
        ("DELETE /api/v1/organizations/:organization/teams/:team", .member(.administer)),
        ("PUT /api/v1/organizations/:organization/teams/:team/members/:username", .member(.administer)),
        ("DELETE /api/v1/organizations/:organization/teams/:team/members/:username", .member(.administer)),
        ("GET /api/v1/organizations/:organization/policy-sets", .member(.read)),
        ("POST /api/v1/organizations/:organization/policy-sets", .member(.administer)),
        ("GET /api/v1/organizations/:organization/policy-sets/:policySet", .member(.read)),
        ("PATCH /api/v1/organizations/:organization/policy-sets/:policySet", .member(.administer)),
        ("DELETE /api/v1/organizations/:organization/policy-sets/:policySet", .member(.administer)),
        ("GET /api/v1/organizations/:organization/policy-sets/:policySet/versions", .member(.read)),
        ("POST /api/v1/organizations/:organization/policy-sets/:policySet/versions", .member(.administer)),
        ("GET /api/v1/organizations/:organization/policy-sets/:policySet/versions/:version", .member(.read)),
        ("GET /api/v1/organizations/:organization/environments/:environment/team-access", .environment(.read)),
        ("DELETE /api/v1/organizations/:organization/environments/:environment/team-access", .member(.administer)),
        ("PUT /api/v1/organizations/:organization/environments/:environment/team-access/:team", .member(.administer)),
        ("DELETE /api/v1/organizations/:organization/environments/:environment/team-access/:team", .member(.administer)),
        ("GET /api/v1/organizations/:organization/variables", .member(.read)),
        ("PUT /api/v1/organizations/:organization/variables/:key", .member(.administer)),
        ("DELETE /api/v1/organizations/:organization/variables/:key", .member(.administer)),
        ("GET /api/v1/organizations/:organization/environments", .member(.read)),
        ("POST /api/v1/organizations/:organization/environments", .member(.administer)),
        ("GET /api/v1/organizations/:organization/environments/:environment", .environment(.read)),
        ("PATCH /api/v1/organizations/:organization/environments/:environment", .member(.administer)),
        ("DELETE /api/v1/organizations/:organization/environments/:environment", .member(.administer)),
        ("GET /api/v1/organizations/:organization/environments/:environment/variables", .environment(.read)),
        ("PUT /api/v1/organizations/:organization/environments/:environment/variables/:key", .environment(.administer)),
        ("DELETE /api/v1/organizations/:organization/environments/:environment/variables/:key", .environment(.administer)),
        ("GET /api/v1/organizations/:organization/environments/:environment/mfa-authentications", .environment(.read)),
        ("GET /api/v1/organizations/:organization/environments/:environment/configuration-versions", .environment(.read)),
        ("POST /api/v1/organizations/:organization/environments/:environment/configuration-versions", .environment(.plan)),
        ("GET /api/v1/organizations/:organization/environments/:environment/runs", .environment(.read)),
        ("POST /api/v1/organizations/:organization/environments/:environment/runs", .environment(.plan)),
        ("GET /api/v1/runs/:run", .run(.read)),
        ("POST /api/v1/runs/:run/actions/confirm", .run(.approve)),
        ("POST /api/v1/runs/:run/actions/authenticate-plan", .run(.plan)),
        ("POST /api/v1/runs/:run/actions/authenticate-apply", .run(.approve)),
        ("POST /api/v1/runs/:run/actions/discard", .run(.plan)),
        // Owners only: `Runs.overridePolicy` holds that rule, as the run's organization is not in the path.
        ("POST /api/v1/runs/:run/actions/override-policy", .run(.approve)),
        ("POST /api/v1/runs/:run/actions/cancel", .run(.plan)),
        ("GET /api/v1/runs/:run/logs/:phase", .run(.read)),
    ]

    /// The pages.
    private static let pages: [(String, RouteRule)] = [
        ("GET /", .signedIn), ("POST /organizations", .signedIn),
        ("GET /organizations/:organization", .member(.read)),
        ("POST /organizations/:organization/members", .member(.administer)),
        ("POST /organizations/:organization/members/:username/remove", .member(.administer)),
        ("POST /organizations/:organization/members/:username/end-sessions", .member(.administer)),
        ("POST /organizations/:organization/mfa-device", .member(.read)),
        ("POST /organizations/:organization/mfa-device/remove", .member(.read)),
        ("POST /organizations/:organization/mfa-devices/revoke", .member(.administer)),
        ("GET /organizations/:organization/policy-sets", .member(.read)),
        ("POST /organizations/:organization/policy-sets", .member(.administer)),
        ("POST /organizations/:organization/policy-sets/:policySet/versions", .member(.administer)),
        ("POST /organizations/:organization/policy-sets/:policySet/settings", .member(.administer)),
        ("POST /organizations/:organization/policy-sets/:policySet/delete", .member(.administer)),
        ("GET /organizations/:organization/teams", .member(.read)),
        ("POST /organizations/:organization/teams", .member(.administer)),
        ("POST /organizations/:organization/teams/:team/group", .member(.administer)),
        ("POST /organizations/:organization/teams/:team/delete", .member(.administer)),
        ("POST /organizations/:organization/teams/:team/members", .member(.administer)),
        ("POST /organizations/:organization/teams/:team/members/:username/remove", .member(.administer)),
        ("POST /terraform/:organization/environments/:environment/settings/team-access", .member(.administer)),
        ("POST /terraform/:organization/environments/:environment/settings/team-access/revoke", .member(.administer)),
        ("POST /terraform/:organization/environments/:environment/settings/team-access/open", .member(.administer)),
        ("GET /organizations/:organization/notifications", .member(.administer)),
        ("POST /organizations/:organization/notifications", .member(.administer)),
        ("POST /organizations/:organization/notifications/:destination/remove", .member(.administer)),
        // Without `?organization=` it shows the person's only organization, or a choice of theirs.
        ("GET /settings/organization_variables", .resource(.read, .organizationField)),
        ("POST /settings/organization_variables", .resource(.administer, .organizationField)),
        ("POST /settings/organization_variables/delete", .resource(.administer, .organizationField)),
        ("GET /settings/tokens", .signedIn), ("POST /settings/tokens", .signedIn), ("POST /settings/tokens/revoke", .signedIn),
        ("GET /terraform/:organization/environments", .member(.read)),
        ("POST /terraform/:organization/environments", .member(.administer)),
        ("GET /terraform/:organization/environments/:environment", .environment(.read)),
        ("GET /terraform/:organization/environments/:environment/settings", .environment(.read)),
        ("POST /terraform/:organization/environments/:environment/settings", .member(.administer)),
        ("POST /terraform/:organization/environments/:environment/settings/variables", .environment(.administer)),
        ("POST /terraform/:organization/environments/:environment/settings/variables/delete", .environment(.administer)),
        ("POST /terraform/:organization/environments/:environment/settings/delete", .member(.administer)),
        ("POST /terraform/:organization/environments/:environment/runs", .environment(.plan)),
        ("GET /terraform/:organization/environments/:environment/runs/:run", .environment(.read)),
        ("GET /terraform/:organization/environments/:environment/runs/:run/live", .environment(.read)),
        ("POST /terraform/:organization/environments/:environment/runs/:run/confirm", .environment(.approve)),
        ("POST /terraform/:organization/environments/:environment/runs/:run/authenticate-plan", .environment(.plan)),
        ("POST /terraform/:organization/environments/:environment/runs/:run/authenticate-apply", .environment(.approve)),
        ("POST /terraform/:organization/environments/:environment/runs/:run/discard", .environment(.plan)),
        // Owners only: `Runs.overridePolicy` holds that rule.
        ("POST /terraform/:organization/environments/:environment/runs/:run/override-policy", .environment(.approve)),
        ("POST /terraform/:organization/environments/:environment/runs/:run/cancel", .environment(.plan)),
        ("GET /app/oauth2/authorize", .signedIn), ("POST /app/oauth2/authorize", .signedIn),
        ("GET /app/:organization/:workspace/runs/:run", .member(.read)),
    ]

    /// The TFE API Terraform's CLI calls.
    private static let tfe: [(String, RouteRule)] = [
        ("PUT /api/v2/uploads/:token", .capability), ("GET /api/v2/plan-logs/:token", .capability),
        ("GET /api/v2/apply-logs/:token", .capability),
        ("GET /api/v2/ping", .signedIn), ("GET /api/v2/account/details", .signedIn),
        ("GET /api/v2/organizations/:organization/entitlement-set", .member(.read)),
        ("GET /api/v2/organizations/:organization/workspaces/:workspace", .member(.read)),
        ("GET /api/v2/organizations/:organization/runs/queue", .member(.read)),
        ("GET /api/v2/organizations/:organization/capacity", .member(.read)),
        ("POST /api/v2/organizations/:organization/workspaces", .member(.administer)),
        ("GET /api/v2/workspaces/:workspace/current-state-version", .resource(.read, .tfe("ws"))),
        ("GET /api/v2/state-versions/:version/download", .resource(.read, .tfe("sv"))),
        ("GET /api/v2/workspaces/:workspace/current-state-version-outputs", .resource(.read, .tfe("ws"))),
        ("GET /api/v2/state-version-outputs/:output", .resource(.read, .tfe("wsout"))),
        ("POST /api/v2/workspaces/:workspace/state-versions", .resource(.administer, .tfe("ws"))),
        ("POST /api/v2/workspaces/:workspace/actions/lock", .resource(.administer, .tfe("ws"))),
        ("POST /api/v2/workspaces/:workspace/actions/unlock", .resource(.administer, .tfe("ws"))),
        ("POST /api/v2/workspaces/:workspace/actions/force-unlock", .resource(.administer, .tfe("ws"))),
        ("POST /api/v2/workspaces/:workspace/configuration-versions", .resource(.plan, .tfe("ws"))),
        ("GET /api/v2/configuration-versions/:version", .resource(.read, .tfe("cv"))),
        ("POST /api/v2/runs", .namedInBody(.plan)),
        ("GET /api/v2/runs/:run", .resource(.read, .tfe("run"))),
        ("POST /api/v2/runs/:run/actions/cancel", .resource(.plan, .tfe("run"))),
        ("POST /api/v2/runs/:run/actions/apply", .resource(.approve, .tfe("run"))),
        ("POST /api/v2/runs/:run/actions/discard", .resource(.plan, .tfe("run"))),
        ("GET /api/v2/runs/:run/run-events", .resource(.read, .tfe("run"))),
        ("GET /api/v2/workspaces/:workspace/runs", .resource(.read, .tfe("ws"))),
        ("GET /api/v2/plans/:plan", .resource(.read, .tfe("plan"))),
        ("GET /api/v2/applies/:apply", .resource(.read, .tfe("apply"))),
        ("GET /api/v2/runs/:run/policy-checks", .resource(.read, .tfe("run"))),
        ("GET /api/v2/policy-checks/:check", .resource(.read, .tfe("polchk"))),
        ("GET /api/v2/policy-checks/:check/output", .resource(.read, .tfe("polchk"))),
        ("POST /api/v2/policy-checks/:check/actions/override", .resource(.approve, .tfe("polchk"))),
        // Every other TFE endpoint answers 404 in TFE's form.
        ("GET /api/v2/**", .signedIn), ("POST /api/v2/**", .signedIn), ("PATCH /api/v2/**", .signedIn),
        ("PUT /api/v2/**", .signedIn), ("DELETE /api/v2/**", .signedIn),
    ]

    /// Terraform's `http` backend; `StateCaller` says what each caller may do.
    private static let stateBackend: [(String, RouteRule)] = [
        ("GET /state/:organization/:environment", .stateBackend), ("POST /state/:organization/:environment", .stateBackend),
        ("LOCK /state/:organization/:environment/lock", .stateBackend), ("UNLOCK /state/:organization/:environment/lock", .stateBackend),
    ]
}

private extension RouteRule {
    /// `action` in the organization of the `:organization` path parameter.
    static func member(_ action: Action) -> RouteRule { .resource(action, .organization) }

    /// `action` in the environment of the `:organization` and `:environment` path parameters.
    static func environment(_ action: Action) -> RouteRule { .resource(action, .environment) }
    /// `action` on the run of the `:run` path parameter.
    static func run(_ action: Action) -> RouteRule { .resource(action, .run) }
}
