import Foundation

extension EnvironmentPage {
    /// Under a waiting run's state: what it waits for, and whether the visitor may give it.
    private func waiting(_ run: Run) -> HTML? {
        guard let id = run.id, let awaiting = awaiting[id] else { return nil }
        return "<br><small class=\"awaiting\">\(awaiting.headline)\(awaiting.viewerLine.map { " " + $0 } ?? "")</small>"
    }

    /// The page's body; `csrf` is the visitor's form field.
    func render(csrf: HTML) -> HTML {
        let rows = runs.map { run -> HTML in
            """
            <tr><td><a href="\(run.id.map { RunPages.path(organization, environment, run: $0) } ?? "")">#\(run.number)</a></td>
            <td>\(RunPages.stateBadge(run.state))\(waiting(run))</td><td>\(run.message)</td><td>\(run.createdBy)</td>
            <td><time datetime="\(RunPages.isoDate(run.queuedAt))">\(RunPages.isoDate(run.queuedAt))</time></td></tr>
            """
        }
        let table: HTML = rows.isEmpty ? "<p class=\"muted\">No runs yet.</p>" : """
            <table><thead><tr><th scope="col">Run</th><th scope="col">State</th><th scope="col">Message</th><th scope="col">Queued by</th><th scope="col">Queued</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        let submit: HTML = planLock.map { "\(MFALockView.render($0))\(MFALockView.tokenField())" }
            ?? "<p><button type=\"submit\">Queue plan</button></p>"
        let auditTable = MFALockView.auditTable(authentications) { RunPages.path(organization, environment, run: $0) }
        return """
            <p><a href="\(SiteURL.environmentSettings(.value(organization), .value(environment)).path)">Settings</a> · <a href="\(SiteURL.environments(.value(organization)).path)">All environments</a></p>
            <p>AWS Multi-Factor Authentication: <strong>\(mfaLevel.label)</strong></p>
            <p id="environment-rules">Approvals: \(rules.joined(separator: " · ")).</p>
            <form method="post" action="\(SiteURL.runs(.value(organization), .value(environment)).path)"><fieldset><legend>Queue plan</legend>\(csrf)
            <label for="run-message">Message (optional)</label><input id="run-message" name="message" maxlength="500">
            \(submit)</fieldset></form>
            <h2>Runs</h2>
            \(table)
            <h2>MFA authentications</h2>
            \(auditTable)
            """
    }
}
