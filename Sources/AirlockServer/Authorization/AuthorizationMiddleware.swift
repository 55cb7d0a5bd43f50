import Fluent
import Vapor

/// Enforces the route's rule (`RouteRules`) before its handler runs and before any body is read: what a caller
/// cannot see answers 404, what their role does not allow 403. A route without a rule is refused. The state
/// backend's caller is left in `request.stateAccess` for its handlers.
struct AuthorizationMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let route = request.route, let rule = RouteRules.rule(for: route) else {
            request.logger.error("\(request.method.rawValue) \(request.url.path) has no authorization rule; refused")
            throw Abort(.forbidden, reason: "This address has no authorization rule; it is refused until it has one.")
        }
        switch rule {
        case .open, .capability:
            break
        case .signedIn, .namedInBody:
            _ = try request.userID
        case .stateBackend:
            request.stateAccess = try await Self.stateAccess(of: request)
        case let .resource(action, parameter):
            try await Self.authorize(action, on: parameter, of: request, route: route)
        }
        request.storage[Checked.self] = rule
        return try await next.respond(to: request)
    }

    /// The rule this middleware enforced on the request (what a test reads to see it ran).
    struct Checked: StorageKey {
        typealias Value = RouteRule
    }

    private static func authorize(_ action: Action, on parameter: RouteRule.ResourceParameter, of request: Request, route: Route) async throws {
        let userID = try request.userID
        switch parameter {
        case .organization:
            _ = try await Authorizer.authorize(userID, action, organization: try request.parameters.require("organization"), on: request.db)
        case .environment:
            _ = try await Authorizer.authorize(userID, action, environment: try request.parameters.require("environment"),
                                               organization: try request.parameters.require("organization"), on: request.db)
        case .organizationField:
            if request.method == .GET || request.method == .HEAD {
                // Without one the page shows the caller's own organizations only.
                guard let name = request.query[String.self, at: "organization"] else { return }
                _ = try await Authorizer.authorize(userID, action, organization: name, on: request.db)
            } else {
                let name = try? request.content.get(String.self, at: "organization")
                _ = try await Authorizer.authorize(userID, action, organization: name ?? "", on: request.db)
            }
        case .run:
            guard let runID = request.parameters.get("run").flatMap(UUID.init(uuidString:)) else { throw RunRefusal.notFound }
            _ = try await Authorizer.authorize(userID, action, run: runID, on: request.db)
        case let .tfe(prefix):
            let name = route.path.compactMap { if case let .parameter(name) = $0 { name } else { nil } }.last
            try await TFEResourceAccess.authorize(userID, action, prefix: prefix, id: name.flatMap { request.parameters.get($0) } ?? "",
                                            operation: route.path.last?.description ?? "", on: request.db)
        }
    }

    /// The state backend's environment and caller, from the basic-auth password: a run's token, or an API token
    /// through the same authentication as a bearer token.
    private static func stateAccess(of request: Request) async throws -> StateAccess {
        guard let basic = request.headers.basicAuthorization else {
            throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Basic realm=\"airlock state\""],
                        reason: "Give a run's token or your API token as the basic auth password.")
        }
        let (organization, name) = (try request.parameters.require("organization"), try request.parameters.require("environment"))
        if basic.password.hasPrefix(StateCaller.runTokenPrefix) {
            // Where runs have networks of their own, a run reaches its state only through its gateway, in process: a
            // run's token that left the run (its code can read it) is worth nothing from outside.
            guard !request.application.runStateOnlyThroughGateways || request.storage[RunStateGatewayRequest.self] == true else {
                throw StateRefusal.runTokenNotValid
            }
            let (environmentID, caller) = try await Authorizer.stateCaller(runToken: basic.password, organization: organization,
                                                                           environment: name, on: request.db)
            return StateAccess(environmentID: environmentID, caller: caller)
        }
        let user = try await BearerTokenAuthenticator.user(presenting: basic.password, for: request)
        let environment = try await Environments.located(name, in: organization, on: request.db)
        return StateAccess(environmentID: try environment.requireID(), caller: try await Authorizer.stateCaller(user, of: environment, on: request.db))
    }
}

/// The environment of a state backend request and who calls it.
struct StateAccess: Sendable {
    let environmentID: UUID
    let caller: StateCaller
}

extension Request {
    /// Set by `AuthorizationMiddleware` on the state backend's routes.
    var stateAccess: StateAccess? {
        get { storage[StateAccessKey.self] }
        set { storage[StateAccessKey.self] = newValue }
    }

    private struct StateAccessKey: StorageKey {
        typealias Value = StateAccess
    }
}
