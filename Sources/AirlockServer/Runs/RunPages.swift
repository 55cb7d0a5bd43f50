import Fluent
import Vapor

/// The runs of an environment on its page, and each run's page:
/// `/terraform/:organization/environments/:environment/runs/:run`, with "Confirm & Apply", "Discard",
/// "Cancel", and the token field of a plan that waits for an MFA code.
struct RunPages: RouteCollection {
    struct QueueForm: Content {
        let message: String?
        let token_code: String?
    }

    struct TokenForm: Content {
        let token_code: String?
        /// The saved plan the approver was shown (Confirm & Apply).
        let plan_sha256: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.post(SiteURL.runs(.key, .key).pathComponents, use: queue)
        routes.get(SiteURL.run(.key, .key, .key).pathComponents, use: show)
        routes.get(SiteURL.runAction(.key, .key, .key, .live).pathComponents, use: live)
        routes.post(SiteURL.runAction(.key, .key, .key, .confirm).pathComponents, use: confirm)
        routes.post(SiteURL.runAction(.key, .key, .key, .authenticatePlan).pathComponents, use: authenticatePlan)
        routes.post(SiteURL.runAction(.key, .key, .key, .authenticateApply).pathComponents, use: authenticateApply)
        routes.post(SiteURL.runAction(.key, .key, .key, .discard).pathComponents, use: discard)
        routes.post(SiteURL.runAction(.key, .key, .key, .cancel).pathComponents, use: cancel)
        routes.post(SiteURL.runAction(.key, .key, .key, .overridePolicy).pathComponents, use: overridePolicy)
    }

    func queue(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let environment = try request.parameters.require("environment")
        let form = try request.content.decode(QueueForm.self)
        let user = try request.auth.require(User.self)
        let message = form.message?.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await request.formAction(success: "Plan queued.", failure: EnvironmentPages.path(organization, environment)) {
            let run = try await Runs.queuePlan(PlanRequest(in: organization, environment, message: message?.isEmpty == false ? message : nil,
                                                           tokenCode: form.token_code), actor: user,
                                               mfa: request.application.mfaServices, on: request.db)
            return Self.path(organization, environment, run: try run.requireID())
        }
    }

    func show(_ request: Request) async throws -> Response {
        let page = try await Self.page(request)
        // An approval here may be sent on to the identity provider for a step-up (`act`): the browser follows that
        // redirect of the form's submission only if the page's form-action names the provider. Asked only where a
        // step-up rule holds, so no other run page waits on the provider.
        let provider = page.approvalsNeedStepUp
            ? await request.application.openIDProvider?.authorizationOrigin(now: request.application.clock.now) : nil
        return Layout.render("Run #\(page.run.number) of \(page.organization)/\(page.environment)", page.render(csrf: CSRF.field(for: request)),
                             formTargets: provider.map { [$0] } ?? [], for: request)
    }

    /// What the page's script polls: the state and both logs.
    struct Live: Content {
        let state: String
        let planLog: String
        let applyLog: String
    }

    func live(_ request: Request) async throws -> Live {
        let located = try await Self.locate(request)
        let runID = try located.run.requireID()
        return Live(state: located.run.state.rawValue, planLog: try await RunLogChunk.text(of: runID, .plan, on: request.db),
                    applyLog: try await RunLogChunk.text(of: runID, .apply, on: request.db))
    }

    func confirm(_ request: Request) async throws -> Response {
        let form = try? request.content.decode(TokenForm.self)
        let (code, seenPlan) = (form?.token_code, form?.plan_sha256)
        return try await act(request, success: "Apply confirmed; it starts shortly.") {
            try await Runs.confirm($0, actor: $1, tokenCode: code?.isEmpty == false ? code : nil, seenPlan: seenPlan?.isEmpty == false ? seenPlan : nil,
                                   proof: WebSession.signInProof(in: request), mfa: request.application.mfaServices, on: request.db)
        }
    }

    func authenticatePlan(_ request: Request) async throws -> Response {
        try await authenticate(request, phase: .plan)
    }

    func authenticateApply(_ request: Request) async throws -> Response {
        try await authenticate(request, phase: .apply)
    }

    private func authenticate(_ request: Request, phase: RunPhase) async throws -> Response {
        let code = try? request.content.decode(TokenForm.self).token_code
        return try await act(request, success: "\(phase == .plan ? "Plan" : "Apply") authenticated; it starts when the runs ahead of it are over.") {
            try await Runs.authenticate($0, phase: phase, actor: $1, tokenCode: code?.isEmpty == false ? code : nil,
                                        proof: WebSession.signInProof(in: request), mfa: request.application.mfaServices, on: request.db)
        }
    }

    struct OverrideForm: Content {
        let token_code: String?
        let reason: String?
    }

    func overridePolicy(_ request: Request) async throws -> Response {
        let form = try? request.content.decode(OverrideForm.self)
        return try await act(request, success: "Policy failure overridden; the run waits for Confirm & Apply.") {
            try await Runs.overridePolicy($0, actor: $1, tokenCode: form?.token_code?.isEmpty == false ? form?.token_code : nil,
                                          reason: form?.reason ?? "", proof: WebSession.signInProof(in: request), mfa: request.application.mfaServices,
                                          on: request.db)
        }
    }

    func discard(_ request: Request) async throws -> Response {
        try await act(request, success: "Plan discarded.") { try await Runs.discard($0, actor: $1, on: request.db) }
    }

    func cancel(_ request: Request) async throws -> Response {
        try await act(request, success: "Cancel requested.") { try await Runs.cancel($0, actor: $1, on: request.db) }
    }

    private func act(_ request: Request, success: String, _ action: @escaping (UUID, User) async throws -> Runs.Located) async throws -> Response {
        let located = try await Self.locate(request)
        let user = try request.auth.require(User.self)
        let runID = try located.run.requireID()
        let back = Self.path(located.organization, located.environment, run: runID)
        let hasProvider = request.application.openIDProvider != nil
        var stepUp: StepUpRefusal?
        let response = try await request.formAction(redirectTo: back, success: success) {
            do {
                _ = try await action(runID, user)
            } catch let refusal as StepUpRefusal where hasProvider {
                stepUp = refusal
                throw refusal
            }
        }
        guard let stepUp else { return response }
        // Step-up: off to the identity provider for a fresh sign-in (`max_age`), then back to the run's page, where the
        // approval is given again (the code was not sent to STS).
        Flash.set(.error, "\(stepUp.message) Enter your code again once you are back.", on: request)
        var components = URLComponents()
        components.path = SiteURL.singleSignOn.path
        components.queryItems = [URLQueryItem(name: "next", value: back), URLQueryItem(name: "max_age", value: String(stepUp.maximumAgeSeconds))]
        return request.redirect(to: components.string ?? back, redirectType: .normal)
    }

    /// The page of the URL's run, if the visitor may see it and it belongs to the URL's environment.
    static func page(_ request: Request) async throws -> RunPage {
        guard let runID = UUID(uuidString: try request.parameters.require("run")) else { throw RunRefusal.notFound }
        return try await RunPage.load(runID: runID, organization: try request.parameters.require("organization"),
                                      environment: try request.parameters.require("environment"), actorID: try request.userID,
                                      secrets: request.application.mfaServices.secrets, on: request.db)
    }

    /// The run of the URL, if the visitor may see it and it belongs to the URL's environment.
    static func locate(_ request: Request) async throws -> Runs.Located {
        guard let runID = UUID(uuidString: try request.parameters.require("run")) else { throw RunRefusal.notFound }
        return try await Runs.find(runID, in: try request.parameters.require("organization"), try request.parameters.require("environment"),
                                   actorID: try request.userID, on: request.db)
    }

    /// The page of run `runID` of an environment.
    static func path(_ organization: String, _ environment: String, run runID: UUID) -> String {
        SiteURL.run(.value(organization), .value(environment), .value(runID)).path
    }

    static func stateBadge(_ state: RunState) -> HTML {
        "<span class=\"state state-\(state.rawValue)\">\(state.rawValue.replacingOccurrences(of: "_", with: " "))</span>"
    }

    static func isoDate(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).iso8601
    }
}
