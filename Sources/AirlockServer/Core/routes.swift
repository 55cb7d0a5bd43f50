import Fluent
import OpenAPIRuntime
import OpenAPIVapor
import Vapor

/// Every route of the server: health, the JSON API generated from `openapi.yaml`, the TFE API, the state backend
/// and the pages (session cookie, CSRF on every form, anonymous visitors sent to `/login`). Each group ends in
/// `AuthorizationMiddleware`, which enforces the route's rule from `RouteRules` before any handler runs.
func routes(_ app: Application) throws {
    app.get("healthz") { request async throws -> HealthStatus in
        try await HealthStatus.check(request.db)
    }

    let api = app.grouped(
        BearerTokenAuthenticator(),
        User.guardMiddleware(throwing: Abort(.unauthorized, reason: "Send an API token: Authorization: Bearer airlock_...")),
        RequestContextMiddleware(),
        AuthorizationMiddleware(),
        RunWorkersWakeMiddleware()
    )
    // Compact JSON with sorted keys, like the rest of the server: stable for clients, diffs and tests.
    try APIHandler().registerHandlers(on: EmptyBodyTransport(base: VaporTransport(routesBuilder: api)), serverURL: try Servers.Server1.url(),
                                      configuration: .init(dateTranscoder: .iso8601WithFractionalSeconds,
                                                           jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
                                      // Who may call it was decided (AuthorizationMiddleware); then how much body, then what it holds.
                                      middlewares: [BodyLimitMiddleware()])

    try app.register(collection: StateBackendRoutes())
    try app.register(collection: TFEAPI())
    try app.register(collection: TerraformLoginToken())

    app.get(Stylesheet.path) { _ in Stylesheet.response() }
    app.get(Script.path) { _ in Script.response() }
    let pages = app.grouped(app.sessions.middleware, SessionUserAuthenticator(), PageErrorMiddleware(), CSRFMiddleware())
    try pages.grouped(AuthorizationMiddleware()).register(collection: LoginPages())
    try pages.grouped(AuthorizationMiddleware()).register(collection: SingleSignOnPages())
    let memberPages = pages.grouped(LoginRequiredMiddleware(), AuthorizationMiddleware(), RunWorkersWakeMiddleware())
    try memberPages.register(collection: OrganizationPages())
    try memberPages.register(collection: TeamPages())
    try memberPages.register(collection: PolicySetPages())
    try memberPages.register(collection: PersonalMFADevicePages())
    try memberPages.register(collection: NotificationPages())
    try memberPages.register(collection: VariablePages())
    try memberPages.register(collection: TokenPages())
    try memberPages.register(collection: EnvironmentPages())
    try memberPages.register(collection: RunPages())
    try memberPages.register(collection: TerraformLoginPages())
    try memberPages.register(collection: TFERunLink())
}
