import Fluent
import Vapor

/// The runs of an environment on its page, and each run's page:
/// `/terraform/:organization/environments/:environment/runs/:run`, with "Confirm & Apply", "Discard"
/// and "Cancel".
struct RunPages: RouteCollection {
    struct QueueForm: Content {
        let message: String?
        let token_code: String?
    }

    struct TokenForm: Content {
        let token_code: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let environment = routes.grouped("terraform", ":organization", "environments", ":environment")
        environment.post("runs", use: queue)
        environment.get("runs", ":run", use: show)
        environment.get("runs", ":run", "live", use: live)
        environment.post("runs", ":run", "confirm", use: confirm)
        environment.post("runs", ":run", "discard", use: discard)
        environment.post("runs", ":run", "cancel", use: cancel)
    }

    /// The runs table and the "Queue plan" form, for the environment page.
    static func section(organization: String, environment: String, mfaLevel: MFALevel, environmentID: UUID,
                        for request: Request) async throws -> HTML {
        let runs = try await Runs.list(in: organization, environment, actorID: try request.userID, on: request.db)
        let user = try request.auth.require(User.self)
        let base = EnvironmentPages.path(organization, environment)
        let rows = runs.map { run -> HTML in
            """
            <tr><td><a href="\(base)/runs/\(run.id?.uuidString.lowercased() ?? "")">#\(run.number)</a></td>
            <td>\(stateBadge(run.state))</td><td>\(run.message)</td><td>\(run.createdBy)</td>
            <td><time datetime="\(isoDate(run.queuedAt))">\(isoDate(run.queuedAt))</time></td></tr>
            """
        }
        let table: HTML = rows.isEmpty ? "<p class=\"muted\">No runs yet.</p>" : """
            <table><thead><tr><th scope="col">Run</th><th scope="col">State</th><th scope="col">Message</th><th scope="col">Queued by</th><th scope="col">Queued</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        let submit: HTML
        if mfaLevel.requiresMFA(for: .plan) {
            let recent = try await MFAAuthentication.query(on: request.db).filter(\.$environment.$id == environmentID)
                .filter(\.$username == user.username).filter(\.$phase == .plan).sort(\.$at, .descending).first()
            let status: MFALockView.Status = recent.map { !$0.succeeded && request.application.clock.now.timeIntervalSince1970 - $0.at < 600 } == true
                ? MFALockView.status(of: recent) : .neutral
            submit = "\(MFALockView.render(status))\(MFALockView.tokenField())"
        } else {
            submit = "<p><button type=\"submit\">Queue plan</button></p>"
        }
        let audit = try await MFAAuthentication.query(on: request.db).filter(\.$environment.$id == environmentID)
            .sort(\.$at, .descending).limit(20).all()
        let auditTable = MFALockView.auditTable(audit) { "\(base)/runs/\($0.uuidString.lowercased())" }
        return """
            <p>AWS Multi-Factor Authentication: <strong>\(mfaLevel.label)</strong></p>
            <form method="post" action="\(base)/runs"><fieldset><legend>Queue plan</legend>\(CSRF.field(for: request))
            <label for="run-message">Message (optional)</label><input id="run-message" name="message" maxlength="500">
            \(submit)</fieldset></form>
            <h2>Runs</h2>
            \(table)
            <h2>MFA authentications</h2>
            \(auditTable)
            """
    }

    func queue(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let environment = try request.parameters.require("environment")
        let form = try request.content.decode(QueueForm.self)
        let user = try request.auth.require(User.self)
        let message = form.message?.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await request.formAction(success: "Plan queued.", failure: EnvironmentPages.path(organization, environment)) {
            let run = try await Runs.queuePlan(in: organization, environment, configurationVersionID: nil,
                                               message: message?.isEmpty == false ? message : nil, tokenCode: form.token_code, actor: user,
                                               mfa: request.application.mfaServices, on: request.db)
            request.application.runWorkers?.notify()
            return "\(EnvironmentPages.path(organization, environment))/runs/\(try run.requireID().uuidString.lowercased())"
        }
    }

    func show(_ request: Request) async throws -> Response {
        let located = try await Self.locate(request)
        let run = located.run
        let runID = try run.requireID()
        let events = try await Runs.events(of: runID, on: request.db)
        let planLog = try await Self.log(runID, .plan, on: request.db)
        let applyLog = try await Self.log(runID, .apply, on: request.db)
        let base = "\(EnvironmentPages.path(located.organization, located.environment))/runs/\(runID.uuidString.lowercased())"
        let csrf = CSRF.field(for: request)
        var actions: [HTML] = []
        var gate: HTML?
        let applyAttempt = try await MFAGate.latest(runID: runID, phase: .apply, on: request.db)
        let planAttempt = try await MFAGate.latest(runID: runID, phase: .plan, on: request.db)
        if run.state == .planned {
            if run.mfaLevel.requiresMFA(for: .apply) {
                gate = """
                    <form method="post" action="\(base)/confirm"><fieldset><legend>Confirm &amp; Apply with AWS MFA</legend>\(csrf)
                    \(MFALockView.render(MFALockView.status(of: applyAttempt)))
                    \(MFALockView.tokenField())
                    </fieldset></form>
                    """
            } else {
                actions.append("<form class=\"inline\" method=\"post\" action=\"\(base)/confirm\">\(csrf)<button type=\"submit\">Confirm &amp; Apply</button></form>")
            }
            actions.append("<form class=\"inline\" method=\"post\" action=\"\(base)/discard\">\(csrf)<button type=\"submit\">Discard</button></form>")
        } else if let attempt = applyAttempt ?? planAttempt {
            gate = MFALockView.render(MFALockView.status(of: attempt))
        }
        let audit = try await MFAAuthentication.query(on: request.db).filter(\.$runID == runID).sort(\.$at, .descending).all()
        if RunState.queued.contains(run.state) || RunState.executing.contains(run.state) {
            actions.append("<form class=\"inline\" method=\"post\" action=\"\(base)/cancel\">\(csrf)<button type=\"submit\">Cancel</button></form>")
        }
        let eventRows = events.map { event -> HTML in
            "<tr><td><time datetime=\"\(Self.isoDate(event.at))\">\(Self.isoDate(event.at))</time></td><td>\(event.toState.replacingOccurrences(of: "_", with: " "))</td><td>\(event.actor)</td><td>\(event.note ?? "")</td></tr>"
        }
        let error: HTML? = run.errorMessage.map { "<p class=\"flash flash-error\" role=\"alert\">\($0)</p>" }
        let refresh: HTML? = run.state.isFinal ? nil
            : "<p class=\"muted\" data-live=\"\(base)/live\" data-state=\"\(run.state.rawValue)\">This page follows the run (or <a href=\"\(base)\">refresh</a> it).</p><script src=\"/assets/airlock.js\" defer></script>"
        return Layout.render("Run #\(run.number) of \(located.organization)/\(located.environment)", """
            <p><a href="\(EnvironmentPages.path(located.organization, located.environment))">Back to the environment</a></p>
            <p>State: \(Self.stateBadge(run.state)) · \(run.message) · queued by \(run.createdBy)</p>
            \(error)
            \(gate)
            <p>\(actions)</p>
            \(refresh)
            <h2>Plan log</h2>
            <pre class="log" id="plan-log" tabindex="0">\(planLog.isEmpty ? "(not started)" : planLog)</pre>
            <h2>Apply log</h2>
            <pre class="log" id="apply-log" tabindex="0">\(applyLog.isEmpty ? "(not started)" : applyLog)</pre>
            <h2>MFA authentications</h2>
            \(MFALockView.auditTable(audit) { _ in nil })
            <h2>History</h2>
            <table><thead><tr><th scope="col">When</th><th scope="col">State</th><th scope="col">By</th><th scope="col">Note</th></tr></thead><tbody>\(eventRows)</tbody></table>
            """, for: request)
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
        return Live(state: located.run.state.rawValue, planLog: try await Self.log(runID, .plan, on: request.db),
                    applyLog: try await Self.log(runID, .apply, on: request.db))
    }

    func confirm(_ request: Request) async throws -> Response {
        let code = try? request.content.decode(TokenForm.self).token_code
        return try await act(request, success: "Apply confirmed; it starts shortly.") {
            try await Runs.confirm($0, actor: $1, tokenCode: code?.isEmpty == false ? code : nil, mfa: request.application.mfaServices, on: request.db)
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
        let back = "\(EnvironmentPages.path(located.organization, located.environment))/runs/\(runID.uuidString.lowercased())"
        return try await request.formAction(redirectTo: back, success: success) {
            _ = try await action(runID, user)
            request.application.runWorkers?.notify()
        }
    }

    /// The run of the URL, if the visitor may see it and it belongs to the URL's environment.
    static func locate(_ request: Request) async throws -> Runs.Located {
        guard let runID = UUID(uuidString: try request.parameters.require("run")) else { throw RunRefusal.notFound }
        let located = try await Runs.find(runID, actorID: try request.userID, on: request.db)
        guard located.organization == (try request.parameters.require("organization")),
              located.environment == (try request.parameters.require("environment")) else { throw RunRefusal.notFound }
        return located
    }

    static func log(_ runID: UUID, _ phase: RunLogChunk.Phase, on database: any Database) async throws -> String {
        try await RunLogChunk.query(on: database).filter(\.$run.$id == runID).filter(\.$phase == phase).sort(\.$sequence).all()
            .map(\.text).joined()
    }

    static func stateBadge(_ state: RunState) -> HTML {
        "<span class=\"state state-\(state.rawValue)\">\(state.rawValue.replacingOccurrences(of: "_", with: " "))</span>"
    }

    static func isoDate(_ seconds: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    }
}
