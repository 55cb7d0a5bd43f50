@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Synchronization
import Testing
import Vapor
import VaporTesting

/// Every route the server registers, from its route table, called by each kind of caller over its own edge (the
/// API and TFE API with a bearer token, the state backend with basic auth, the pages with a session and its
/// CSRF token): anonymous, otto (owner of another organization), mario (member of acme) and olivia (owner of
/// acme). Each must get what `RouteRules` says: a route without a rule fails here.
@Suite struct AuthorizationMatrixTests {
    @Test func everyRouteAnswersEachCallerAsItsRuleSays() async throws {
        try await ServerFixture.with { fixture in
            let audit = AuthorizationAudit()
            fixture.app.middleware.use(audit)
            let samples = try await Samples.make(fixture)
            let callers = try await Caller.all(fixture)
            let routes = fixture.app.routes.all.sorted { Self.order($0) < Self.order($1) }
            var checked = 0
            for route in routes {
                let key = "\(route.method.rawValue) /\(route.path.map(\.description).joined(separator: "/"))"
                guard let rule = RouteRules.rule(for: route) else {
                    Issue.record("\(key) has no rule in RouteRules")
                    continue
                }
                let parameters = Set(route.path.compactMap { if case let .parameter(name) = $0 { name } else { nil } })
                switch rule {
                case .open:
                    // Nothing to ask of who calls these (and logging out would end the callers' sessions); they name nothing.
                    #expect(parameters.isEmpty, "\(key) is open but names \(parameters)")
                    checked += 1
                    continue
                case .capability:
                    #expect(parameters == ["token"] || key == "POST /oauth2/token", "\(key): a capability is the URL's token")
                    checked += 1
                    continue
                case .signedIn, .namedInBody:
                    // A person's own things only: a route naming an organization's thing needs a resource rule.
                    #expect(parameters.isSubset(of: ["id"]), "\(key) is for anyone signed in but names \(parameters)")
                case .stateBackend, .resource:
                    break
                }
                let path = try samples.path(for: route, rule: rule)
                var answers: [String: TestingHTTPResponse] = [:]
                for caller in callers {
                    audit.forget()
                    answers[caller.name] = try await caller.send(route.method, path, on: fixture)
                }
                // The owner got through: the middleware ran on the route's group and enforced this rule.
                #expect(audit.enforced == rule, "\(key): AuthorizationMiddleware enforced \(String(describing: audit.enforced)), not \(rule)")
                Self.check(rule, route: route, key: key, answers: answers)
                checked += 1
            }
            // The four edges are all there (a registration that silently failed would shrink the table).
            #expect(checked >= 100, "only \(checked) routes")
        }
    }

    /// A run's state token reaches only its own environment's state, and only while the run executes; anything else
    /// answers exactly as for an environment that does not exist (a run's code learns nothing of others).
    @Test func aRunTokenReachesOnlyItsOwnStateAndLearnsNothingOfOthers() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let otherCreated = try await fixture.call(.POST, "/organizations/other/environments", as: "otto", object: ["name": "prod"])
            try #require(otherCreated.status == .created)
            let run = try await fixture.run(on: environment, reaching: .planning)
            let token = StateCaller.runTokenPrefix + "test-token-of-the-run"
            try await Run.query(on: fixture.app.db).filter(\.$id == (try run.requireID())).set(\.$backendTokenHash, to: APIToken.hash(token)).update()
            func send(_ method: HTTPMethod, _ path: String, _ password: String = token) async throws -> TestingHTTPResponse {
                var headers = HTTPHeaders()
                headers.basicAuthorization = BasicAuthorization(username: "airlock", password: password)
                return try await fixture.app.testing().sendRequest(method, path, headers: headers)
            }
            #expect(try await send(.GET, "/state/acme/prod").status == .noContent)
            // Planning: it reads; it neither locks nor writes.
            #expect(try await send(.RAW(value: "LOCK"), "/state/acme/prod/lock").status == .forbidden)
            #expect(try await send(.POST, "/state/acme/prod").status == .forbidden)
            // Another organization's environment, one that does not exist, a wrong token: one answer.
            let elsewhere = try await send(.GET, "/state/other/prod")
            let nowhere = try await send(.GET, "/state/nosuch/where")
            let wrong = try await send(.GET, "/state/acme/prod", StateCaller.runTokenPrefix + "guessed")
            #expect(elsewhere.status == .unauthorized)
            for answer in [nowhere, wrong] {
                #expect(answer.status == elsewhere.status && answer.body.string == elsewhere.body.string, "\(answer.body.string)")
            }
            // Once the run is over its token is nothing.
            try await RunTransition.move(try run.requireID(), from: [.planning], to: .errored, actor: "airlock", on: fixture.app.db)
            #expect(try await send(.GET, "/state/acme/prod").status == .unauthorized)
        }
    }

    /// Where runs have networks of their own, a run's token is taken only from its state gateway (in process): the
    /// same token on the server's listener, say after a run's code sent it out, is refused.
    @Test func behindStateGatewaysARunTokenIsTakenFromTheGatewayOnly() async throws {
        try await ServerFixture.with { fixture in
            let run = try await fixture.run(on: try await fixture.environment(), reaching: .planning)
            let token = StateCaller.runTokenPrefix + "test-token-of-the-run"
            try await Run.query(on: fixture.app.db).filter(\.$id == (try run.requireID())).set(\.$backendTokenHash, to: APIToken.hash(token)).update()
            fixture.app.runStateOnlyThroughGateways = true
            let authorization = "Basic " + Data("run:\(token)".utf8).base64EncodedString()
            let outside = try await fixture.app.testing().sendRequest(.GET, "/state/acme/prod", headers: ["Authorization": authorization])
            #expect(outside.status == .unauthorized)
            let responder = fixture.app.runStateResponder
            let exchange = RunStateGateway.Exchange(method: "GET", target: "/state/acme/prod", headers: [("Authorization", authorization)], body: Data())
            // The gateway calls from a thread of its own and waits there.
            let status = await withCheckedContinuation { (done: CheckedContinuation<Int?, Never>) in
                Thread { done.resume(returning: (try? responder(exchange))?.status) }.start()
            }
            #expect(status == 204)
        }
    }

    /// What only an organization's owners do (and, in an environment restricted to teams, its administering teams:
    /// `TeamAccessTests`), written out here apart from `RouteRules`: a rule that loosens (or tightens) one of these
    /// fails below even when the domain would still refuse.
    static let ownersOnly: Set<String> = [
        "POST /api/v1/organizations/:organization/policy-sets",
        "PATCH /api/v1/organizations/:organization/policy-sets/:policySet",
        "DELETE /api/v1/organizations/:organization/policy-sets/:policySet",
        "POST /api/v1/organizations/:organization/policy-sets/:policySet/versions",
        "POST /organizations/:organization/policy-sets",
        "POST /organizations/:organization/policy-sets/:policySet/versions",
        "POST /organizations/:organization/policy-sets/:policySet/settings",
        "POST /organizations/:organization/policy-sets/:policySet/delete",
        "GET /api/v1/organizations/:organization/mfa-devices",
        "DELETE /api/v1/organizations/:organization/mfa-devices/:username",
        "GET /api/v1/organizations/:organization/notification-destinations",
        "POST /api/v1/organizations/:organization/notification-destinations",
        "DELETE /api/v1/organizations/:organization/notification-destinations/:destination",
        "GET /api/v1/organizations/:organization/notification-deliveries",
        "PUT /api/v1/organizations/:organization/members/:username",
        "DELETE /api/v1/organizations/:organization/members/:username",
        "POST /api/v1/organizations/:organization/members/:username/actions/end-sessions",
        "POST /organizations/:organization/members/:username/end-sessions",
        "PUT /api/v1/organizations/:organization/variables/:key",
        "DELETE /api/v1/organizations/:organization/variables/:key",
        "POST /api/v1/organizations/:organization/environments",
        "PATCH /api/v1/organizations/:organization/environments/:environment",
        "DELETE /api/v1/organizations/:organization/environments/:environment",
        "PUT /api/v1/organizations/:organization/environments/:environment/variables/:key",
        "DELETE /api/v1/organizations/:organization/environments/:environment/variables/:key",
        "POST /organizations/:organization/members",
        "POST /organizations/:organization/members/:username/remove",
        "POST /organizations/:organization/mfa-devices/revoke",
        "GET /organizations/:organization/notifications",
        "POST /organizations/:organization/notifications",
        "POST /organizations/:organization/notifications/:destination/remove",
        "POST /settings/organization_variables",
        "POST /settings/organization_variables/delete",
        "POST /terraform/:organization/environments",
        "POST /terraform/:organization/environments/:environment/settings",
        "POST /terraform/:organization/environments/:environment/settings/variables",
        "POST /terraform/:organization/environments/:environment/settings/variables/delete",
        "POST /terraform/:organization/environments/:environment/settings/delete",
        "POST /api/v2/organizations/:organization/workspaces",
        "POST /api/v2/workspaces/:workspace/state-versions",
        "POST /api/v2/workspaces/:workspace/actions/lock",
        "POST /api/v2/workspaces/:workspace/actions/unlock",
        "POST /api/v2/workspaces/:workspace/actions/force-unlock",
        "POST /api/v1/organizations/:organization/teams",
        "PATCH /api/v1/organizations/:organization/teams/:team",
        "DELETE /api/v1/organizations/:organization/teams/:team",
        "PUT /api/v1/organizations/:organization/teams/:team/members/:username",
        "DELETE /api/v1/organizations/:organization/teams/:team/members/:username",
        "PUT /api/v1/organizations/:organization/environments/:environment/team-access/:team",
        "DELETE /api/v1/organizations/:organization/environments/:environment/team-access/:team",
        "POST /organizations/:organization/teams",
        "POST /organizations/:organization/teams/:team/group",
        "POST /organizations/:organization/teams/:team/delete",
        "POST /organizations/:organization/teams/:team/members",
        "POST /organizations/:organization/teams/:team/members/:username/remove",
        "POST /terraform/:organization/environments/:environment/settings/team-access",
        "POST /terraform/:organization/environments/:environment/settings/team-access/revoke",
        "POST /terraform/:organization/environments/:environment/settings/team-access/open",
        "DELETE /api/v1/organizations/:organization/environments/:environment/team-access",
    ]

    @Test func whatOnlyOwnersDoIsWhatTheTableSays() async throws {
        let routes = try await ServerFixture.routes { app in app.routes.all.map { ($0.method, $0.path) } }
        var owners: Set<String> = []
        for (method, path) in routes {
            let key = "\(method.rawValue) /\(path.map(\.description).joined(separator: "/"))"
            if RouteRules.rule(method: method, path: path)?.action == .administer { owners.insert(key) }
        }
        #expect(owners == Self.ownersOnly, "in the table only: \(owners.subtracting(Self.ownersOnly)); here only: \(Self.ownersOnly.subtracting(owners))")
    }

    /// Reads go first, then changes; what deletes goes last, environments very last (the other routes need them).
    private static func order(_ route: Route) -> Int {
        let path = route.path.map(\.description)
        if route.method == .DELETE, path.last == ":environment" || path.last == "delete" && path.contains("settings") { return 3 }
        if route.method == .DELETE || ["delete", "remove", "revoke"].contains(path.last ?? "") { return 2 }
        return route.method == .GET ? 0 : 1
    }

    private static func check(_ rule: RouteRule, route: Route, key: String, answers: [String: TestingHTTPResponse]) {
        let (anonymous, otto, mario, olivia) = (answers["anonymous"]!, answers["otto"]!, answers["mario"]!, answers["olivia"]!)
        for (name, answer) in answers {
            #expect(answer.status.code < 500, "\(key) as \(name): \(answer.status) \(answer.body.string.prefix(300))")
        }
        switch rule {
        case .open, .capability:
            return
        case .signedIn, .namedInBody:
            #expect(refusesAnonymous(anonymous), "\(key) anonymous: \(describe(anonymous))")
            for (name, answer) in [("otto", otto), ("mario", mario), ("olivia", olivia)] {
                #expect(isAuthorized(answer, refusal: nil), "\(key) as \(name): \(describe(answer))")
            }
        case .stateBackend:
            #expect(anonymous.status == .unauthorized, "\(key) anonymous: \(describe(anonymous))")
            #expect(otto.status == .notFound, "\(key) as otto: \(describe(otto))")
            if route.method == .GET {
                #expect(isAuthorized(mario, refusal: otto), "\(key) as mario: \(describe(mario))")
            } else {
                #expect(mario.status == .forbidden, "\(key) as mario: \(describe(mario))")
            }
            #expect(isAuthorized(olivia, refusal: otto), "\(key) as olivia: \(describe(olivia))")
        case let .resource(action, _):
            #expect(refusesAnonymous(anonymous), "\(key) anonymous: \(describe(anonymous))")
            #expect(otto.status == .notFound, "\(key) as otto: \(describe(otto))")
            if action.requiredRole == .owner {
                #expect(mario.status == .forbidden, "\(key) as mario: \(describe(mario))")
            } else {
                #expect(isAuthorized(mario, refusal: otto), "\(key) as mario: \(describe(mario))")
            }
            #expect(isAuthorized(olivia, refusal: otto), "\(key) as olivia: \(describe(olivia))")
        }
    }

    /// 401, a page's redirect to the login form, or a page form's 403 (an anonymous visitor has no session's CSRF token).
    private static func refusesAnonymous(_ answer: TestingHTTPResponse) -> Bool {
        answer.status == .unauthorized || answer.status == .forbidden || isLoginRedirect(answer)
    }

    /// Past authorization: neither 401 nor 403 nor sent to log in, and not the refusal a non-member got.
    private static func isAuthorized(_ answer: TestingHTTPResponse, refusal: TestingHTTPResponse?) -> Bool {
        guard answer.status != .unauthorized, answer.status != .forbidden, !isLoginRedirect(answer) else { return false }
        guard let refusal else { return true }
        return answer.status != refusal.status || answer.body.string != refusal.body.string
    }

    private static func isLoginRedirect(_ answer: TestingHTTPResponse) -> Bool {
        answer.status == .seeOther && (answer.headers.first(name: .location) ?? "").hasPrefix("/login")
    }

    private static func describe(_ answer: TestingHTTPResponse) -> String {
        "\(answer.status.code) \(answer.headers.first(name: .location) ?? "") \(answer.body.string.prefix(300))"
    }
}

/// A value for every path parameter, naming things that exist in acme.
private struct Samples {
    let runID: UUID
    let environmentID: UUID
    let stateVersionID: UUID
    let uploadID: UUID

    static func make(_ fixture: ServerFixture) async throws -> Samples {
        let environment = try await fixture.environment()
        let environmentID = try environment.requireID()
        let run = try await fixture.run(on: environment)
        // A policy check, for the TFE policy-check routes to find.
        let check = PolicyCheck(sets: [.init(name: "rules", version: 1, enforcement: .softMandatory, error: nil,
                                             policies: [.init(name: "rule", messages: ["no"])], approvalsRequired: nil)], checkedAt: 0, override: nil)
        run.policyCheckJSON = String(decoding: try JSONEncoder().encode(check), as: UTF8.self)
        try await run.save(on: fixture.app.db)
        let state = #"{"version":4,"serial":1,"lineage":"l-1","outputs":{"n":{"value":1,"type":"number"}},"resources":[]}"#
        let version = try await StateVersions.store(Data(state.utf8), for: environmentID, by: StateWriter(runID: nil, lockID: nil, mustHoldLock: false),
                                                    secrets: fixture.app.secretBox, on: fixture.app.db)
        let upload = TFEConfigurationUpload(environmentID: environmentID, userID: try await fixture.user("olivia").requireID(),
                                            speculative: false, at: Date())
        try await upload.save(on: fixture.app.db)
        return Samples(runID: try run.requireID(), environmentID: environmentID, stateVersionID: try version.requireID(),
                       uploadID: try upload.requireID())
    }

    /// The route's path with each parameter filled in.
    func path(for route: Route, rule: RouteRule) throws -> String {
        let tfe = route.path.first?.description == "api" && route.path.dropFirst().first?.description == "v2"
        let tfeLink = route.path.first?.description == "app" && route.path.count == 5
        var prefix: String?
        if case let .resource(_, .tfe(kind)) = rule { prefix = kind }
        let parts = route.path.map { component -> String in
            switch component {
            case .constant(let text): return text
            case .catchall: return "nothing-here"
            case .anything: return "anything"
            case .parameter(let name): return value(of: name, tfe: tfe, tfeLink: tfeLink, prefix: prefix)
            }
        }
        let query = if case .resource(_, .organizationField) = rule, route.method == .GET { "?organization=acme" } else { "" }
        return "/" + parts.joined(separator: "/") + query
    }

    private func value(of name: String, tfe: Bool, tfeLink: Bool, prefix: String?) -> String {
        let run = runID.uuidString.lowercased()
        switch name {
        case "organization": return "acme"
        case "environment": return "prod"
        case "workspace": return tfe ? TFEID.make("ws", environmentID) : "prod"
        case "run": return tfe || tfeLink ? TFEID.make("run", runID) : run
        case "plan": return TFEID.make("plan", runID)
        case "apply": return TFEID.make("apply", runID)
        case "check": return TFEID.make("polchk", runID)
        case "version": return prefix == "cv" ? TFEID.make("cv", uploadID) : TFEID.make("sv", stateVersionID)
        case "output": return "wsout-\(stateVersionID.uuidString.lowercased())-n"
        case "username": return "nobody"
        case "key": return "REGION"
        case "phase": return "plan"
        default: return UUID().uuidString.lowercased()  // tokens, ids of things that are not there
        }
    }
}

/// Someone calling the server over each edge with their own credentials.
private struct Caller {
    let name: String
    let apiToken: String?
    let session: PageSession?

    static func all(_ fixture: ServerFixture) async throws -> [Caller] {
        var callers = [Caller(name: "anonymous", apiToken: nil, session: nil)]
        for name in ["otto", "mario", "olivia"] {
            callers.append(Caller(name: name, apiToken: fixture.tokens[name], session: try await PageSession.logIn(name, on: fixture)))
        }
        return callers
    }

    func send(_ method: HTTPMethod, _ path: String, on fixture: ServerFixture) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        var body: ByteBuffer?
        if path.hasPrefix("/api/") {
            if let apiToken { headers.bearerAuthorization = BearerAuthorization(token: apiToken) }
            headers.add(name: .accept, value: "application/json")
            if method != .GET {
                headers.contentType = path.hasPrefix("/api/v2/") ? HTTPMediaType(type: "application", subType: "vnd.api+json") : .json
                body = ByteBuffer(string: "{}")
            }
        } else if path.hasPrefix("/state/") {
            if let apiToken { headers.basicAuthorization = BasicAuthorization(username: "airlock", password: apiToken) }
        } else if let session {
            headers.add(name: .cookie, value: "\(WebSession.cookieName)=\(session.cookie)")
            if method == .POST {
                headers.contentType = .urlEncodedForm
                body = ByteBuffer(string: "csrf_token=\(session.csrfToken)&organization=acme")
            }
        }
        return try await fixture.app.testing().sendRequest(method, path, headers: headers, body: body)
    }
}

/// The rule `AuthorizationMiddleware` left on the last request, read by a middleware outside it.
private final class AuthorizationAudit: AsyncMiddleware, Sendable {
    private let last = Mutex<RouteRule?>(nil)

    var enforced: RouteRule? { last.withLock { $0 } }

    func forget() { last.withLock { $0 = nil } }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            let response = try await next.respond(to: request)
            last.withLock { $0 = request.storage[AuthorizationMiddleware.Checked.self] }
            return response
        } catch {
            last.withLock { $0 = request.storage[AuthorizationMiddleware.Checked.self] }
            throw error
        }
    }
}
