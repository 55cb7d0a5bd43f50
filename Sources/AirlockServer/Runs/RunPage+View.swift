import Foundation

extension RunPage {
    var path: String { RunPages.path(organization, environment, run: runID) }

    /// The address the page's `action` form posts to (or `live` reads).
    func path(_ action: SiteURL.RunAction) -> String {
        SiteURL.runAction(.value(organization), .value(environment), .value(runID), action).path
    }

    /// Until when a waiting phase may start, and until when a started phase's AWS credentials hold.
    var credentialTimes: HTML? {
        var lines: [HTML] = []
        for (phase, startBy, until) in [("plan", run.planStartBy, run.planCredentialsUntil), ("apply", run.applyStartBy, run.applyCredentialsUntil)] {
            if let until {
                let moment = Date(timeIntervalSince1970: until).iso8601
                lines.append("The \(phase)'s AWS credentials hold until <time datetime=\"\(moment)\">\(moment)</time>. ")
            } else if let startBy, RunState.queued.contains(run.state) {
                let moment = Date(timeIntervalSince1970: startBy).iso8601
                lines.append("The \(phase)'s code lets it start until <time datetime=\"\(moment)\">\(moment)</time>; then it waits for a new one. ")
            }
        }
        return lines.isEmpty ? nil : "<p id=\"aws-credentials\">\(lines)</p>"
    }

    /// The page's body; `csrf` is the visitor's form field.
    func render(csrf: HTML) -> HTML {
        var actions: [HTML] = []
        var gate: HTML? = lock.map { MFALockView.render($0) }
        let binding = PlanSummaryView.binding(run.planSHA256)
        if run.state == .planned {
            if confirmNeedsCode {
                gate = """
                    <form method="post" action="\(path(.confirm))"><fieldset><legend>Confirm &amp; Apply with AWS MFA</legend>\(csrf)\(binding)
                    \(gate)
                    \(MFALockView.tokenField())
                    </fieldset></form>
                    """
            } else {
                actions.append("<form class=\"inline\" method=\"post\" action=\"\(path(.confirm))\">\(csrf)\(binding)<button type=\"submit\">Confirm &amp; Apply</button></form>")
            }
            actions.append("<form class=\"inline\" method=\"post\" action=\"\(path(.discard))\" data-confirm=\"Discard run #\(run.number)? Its plan is never applied.\">\(csrf)<button type=\"submit\" class=\"danger\">Discard</button></form>")
        }
        if run.state == .policyOverride {
            gate = mayOverridePolicy ? PolicyCheckView.overrideForm(action: path(.overridePolicy), csrf: csrf)
                : "<p id=\"policy-override-wait\">A soft-mandatory policy failed: the run waits for an owner of \(organization) to override it with an MFA code and a reason, or for a discard.</p>"
            actions.append("<form class=\"inline\" method=\"post\" action=\"\(path(.discard))\" data-confirm=\"Discard run #\(run.number)? Its plan is never applied.\">\(csrf)<button type=\"submit\" class=\"danger\">Discard</button></form>")
        }
        let approved: HTML? = requiredApprovals > 1 || !approvals.isEmpty
            ? "<p id=\"approvals\">Approvals: \(approvals.count) of \(requiredApprovals)\(approvals.isEmpty ? "" : " (" + approvals.map(\.username).joined(separator: ", ") + ")")</p>"
            : nil
        let waiting: HTML? = awaiting.map { RunAwaitingView.render($0, approvalsLine: approved) } ?? approved
        if planNeedsCode {
            gate = """
                <form method="post" action="\(path(.authenticatePlan))"><fieldset><legend>Start the plan with AWS MFA</legend>\(csrf)
                <p>This run waits for an AWS MFA token code before its plan.</p>
                \(gate)
                \(MFALockView.tokenField())
                </fieldset></form>
                """
        }
        if applyNeedsCode {
            gate = """
                <form method="post" action="\(path(.authenticateApply))"><fieldset><legend>Start the apply with AWS MFA</legend>\(csrf)
                <p>The approval's code let the apply start within an hour, and it waited longer in the queue: it waits for a new AWS MFA token code.</p>
                \(gate)
                \(MFALockView.tokenField())
                </fieldset></form>
                """
        }
        if RunState.queued.contains(run.state) || RunState.executing.contains(run.state) {
            actions.append("<form class=\"inline\" method=\"post\" action=\"\(path(.cancel))\" data-confirm=\"Cancel run #\(run.number)?\">\(csrf)<button type=\"submit\" class=\"danger\">Cancel</button></form>")
        }
        let eventRows = events.map { event -> HTML in
            "<tr><td><time datetime=\"\(RunPages.isoDate(event.at))\">\(RunPages.isoDate(event.at))</time></td><td>\(event.toState.replacingOccurrences(of: "_", with: " "))</td><td>\(event.actor)</td><td>\(event.note ?? "")</td></tr>"
        }
        let error: HTML? = run.errorMessage.map { "<p class=\"flash flash-error\" role=\"alert\">\($0)</p>" }
        let refresh: HTML? = run.state.isFinal ? nil
            : "<p class=\"muted\" data-live=\"\(path(.live))\" data-state=\"\(run.state.rawValue)\">This page follows the run (or <a href=\"\(path)\">refresh</a> it).</p>"
        return """
            <p><a href="\(EnvironmentPages.path(organization, environment))">Back to the environment</a></p>
            <p>State: \(RunPages.stateBadge(run.state))\(run.isDestroy == true ? " · <strong>destroy</strong>" as HTML : .empty) · \(run.message) · queued by \(run.createdBy)</p>
            \(error)
            \(PlanSummaryView.render(run.planSummary, planSHA256: run.planSHA256, queuedBy: run.createdBy))
            \(PolicyCheckView.render(run.policyCheck))
            \(waiting)
            \(credentialTimes)
            \(gate)
            <p>\(actions)</p>
            \(refresh)
            <h2>Plan log</h2>
            <pre class="log" id="plan-log" tabindex="0">\(planLog.isEmpty ? "(not started)" : planLog)</pre>
            <h2>Apply log</h2>
            <pre class="log" id="apply-log" tabindex="0">\(applyLog.isEmpty ? "(not started)" : applyLog)</pre>
            <h2>MFA authentications</h2>
            \(MFALockView.auditTable(authentications) { _ in nil })
            <h2>History</h2>
            <table><thead><tr><th scope="col">When</th><th scope="col">State</th><th scope="col">By</th><th scope="col">Note</th></tr></thead><tbody>\(eventRows)</tbody></table>
            """
    }
}
