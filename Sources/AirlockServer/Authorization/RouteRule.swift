/// What a route asks of its caller before its handler runs; `RouteRules` holds one for every route.
enum RouteRule: Sendable, Equatable {
    /// Anyone, signed in or not: health, assets, logging in, Terraform's service discovery.
    case open
    /// The URL is the credential (a signed upload or log link); the handler checks its signature.
    case capability
    /// Any signed-in person, for their own things: their account and tokens, the organizations they belong to,
    /// creating one (the operator's `OrganizationCreators` decide), approving their own `terraform login`.
    case signedIn
    /// The state backend: a run's own token or a person's API token as the basic-auth password (`StateCaller`).
    case stateBackend
    /// `action` on the organization or the thing the route names.
    case resource(Action, ResourceParameter)
    /// Any signed-in person here; the body names the thing, and the domain asks `Authorizer` for `action` on it
    /// once it has read the body (a TFE run names its workspace in its JSON:API document).
    case namedInBody(Action)

    /// The action the route does, where its rule names one.
    var action: Action? {
        switch self {
        case let .resource(action, _), let .namedInBody(action): action
        case .open, .capability, .signedIn, .stateBackend: nil
        }
    }

    /// Where a route names the thing its action is on.
    enum ResourceParameter: Sendable, Equatable {
        /// The `:organization` path parameter.
        case organization
        /// The `:organization` and `:environment` path parameters.
        case environment
        /// The `organization` query parameter (a GET without one names none: the page offers the caller's own) or
        /// form field (the organization variables page).
        case organizationField
        /// The `:run` path parameter, a run's UUID.
        case run
        /// The route's one path parameter, a TFE id with this prefix (`ws`, `run`, `plan`, `apply`, `cv`, `sv`, `wsout`).
        case tfe(String)
    }
}
