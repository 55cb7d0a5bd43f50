extension EnvironmentSettingsPage {
    /// The page's body; `csrf` is the visitor's form field, `fieldError` the flash message about a field.
    func render(csrf: HTML, fieldError: (String) -> HTML?) -> HTML {
        let (organization, environment) = (SiteURL.Parameter.value(self.organization), SiteURL.Parameter.value(self.environment))
        let disabled = HTML(trusted: isOwner ? "" : " disabled")
        let options = MFALevel.allCases.map { level -> HTML in
            "<option value=\"\(level.rawValue)\"\(HTML(trusted: level == mfaLevel ? " selected" : ""))>\(level.label)</option>"
        }
        let save: HTML = isOwner ? "<p><button type=\"submit\">Save</button></p>"
            : "<p class=\"muted\">Only organization owners change these settings.</p>"
        let delete: HTML = isOwner ? """
            <form method="post" action="\(SiteURL.deleteEnvironment(organization, environment).path)" data-confirm="Delete \(self.organization)/\(self.environment) and everything recorded for it?"><fieldset><legend>Delete this environment</legend>
            \(csrf)<p>This removes the environment and everything recorded for it.</p>
            <button type="submit" class="danger">Delete environment</button></fieldset></form>
            """ : .empty
        return """
            <p><a href="\(SiteURL.environment(organization, environment).path)">Back to the environment</a></p>
            <form method="post" action="\(SiteURL.environmentSettings(organization, environment).path)"><fieldset><legend>AWS</legend>
            \(csrf)
            <label for="mfa">AWS Multi-Factor Authentication</label>
            <select id="mfa" name="mfa" aria-describedby="mfa-help"\(disabled)>\(options)</select>
            \(fieldError("mfa"))
            <p id="mfa-help" class="muted">Which runs need a token code: from the approver's own MFA device, else the one of the organization variable AWS_MFA_SERIAL_NUMBER.
            Enabling it needs AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_MFA_SERIAL_NUMBER at <a href="\(SiteURL.organizationVariablesPage(of: self.organization))">/settings/organization_variables</a>.
            All runs queued after saving follow the new level.</p>
            <label><input type="checkbox" name="require_personal_mfa_device" value="on"\(HTML(trusted: requiresPersonalMFADevice ? " checked" : ""))\(disabled) aria-describedby="personal-device-help"> Require personal MFA devices</label>
            <p id="personal-device-help" class="muted">Each person's code must come from their own device, registered on the organization's page; the shared AWS_MFA_SERIAL_NUMBER is refused here.</p>
            <label><input type="checkbox" name="approver_must_differ" value="on"\(HTML(trusted: approverMustDiffer ? " checked" : ""))\(disabled) aria-describedby="four-eyes-help"> Four eyes: whoever queued a run may not approve its apply</label>
            <label for="required-approvals">Approvals before an apply starts</label>
            <input id="required-approvals" name="required_approvals" type="number" min="1" max="\(TerraformEnvironment.maximumRequiredApprovals)" value="\(requiredApprovals)" aria-describedby="four-eyes-help required-approvals-error"\(disabled)>
            \(fieldError("required-approvals"))
            <p id="four-eyes-help" class="muted">Each approval is a different person's "Confirm &amp; Apply" (with their own code where the apply needs one); the apply starts with the last.</p>
            <label for="plan-role">AWS plan role ARN (optional)</label>
            <input id="plan-role" name="plan_role_arn" class="wide" value="\(planRoleARN ?? "")" placeholder="arn:aws:iam::123456789012:role/terraform-read-only"\(disabled)>
            <label for="apply-role">AWS apply role ARN (optional)</label>
            <input id="apply-role" name="apply_role_arn" class="wide" value="\(applyRoleARN ?? "")" placeholder="arn:aws:iam::123456789012:role/terraform-apply"\(disabled)>
            \(fieldError("apply-role"))
            <p class="muted">Airlock assumes the role with the run's session (SourceIdentity: the approving user); one role may serve both.</p>
            <label for="aws-session-hours">AWS credentials hold for (hours from a phase's start)</label>
            <input id="aws-session-hours" name="aws_session_hours" type="number" min="\(TerraformEnvironment.awsSessionHoursRange.lowerBound)" max="\(TerraformEnvironment.awsSessionHoursRange.upperBound)" value="\(awsSessionHours)" aria-describedby="aws-session-help aws-session-hours-error"\(disabled)>
            \(fieldError("aws-session-hours"))
            <p id="aws-session-help" class="muted">Terraform gets role sessions of at most an hour, each renewed before it ends, until this limit; no role needs its maximum session duration raised. A phase given a code must start within an hour of it, or it asks for a new one.</p>
            \(stepUpFields(disabled: disabled, fieldError: fieldError))
            \(save)
            </fieldset></form>
            \(teamAccessSection(csrf: csrf))
            \(variablesSection(csrf: csrf, fieldError: fieldError))
            \(delete)
            """
    }

    /// Step-up at approval, where the server has an identity provider (or a rule was set before it lost one).
    private func stepUpFields(disabled: HTML, fieldError: (String) -> HTML?) -> HTML {
        guard hasIdentityProvider || approvalSignInMinutes != nil else { return .empty }
        return """
            <label for="approval-sign-in-minutes">Approvers signed in at the identity provider within (minutes; 0: no such rule)</label>
            <input id="approval-sign-in-minutes" name="approval_sign_in_minutes" type="number" min="0" max="\(TerraformEnvironment.approvalSignInMinutesRange.upperBound)" value="\(approvalSignInMinutes ?? 0)" aria-describedby="step-up-help approval-sign-in-minutes-error"\(disabled)>
            \(fieldError("approval-sign-in-minutes"))
            <label><input type="checkbox" name="approval_needs_provider_mfa" value="on"\(HTML(trusted: approvalNeedsProviderMFA ? " checked" : ""))\(disabled) aria-describedby="step-up-help"> and with a second factor there</label>
            <p id="step-up-help" class="muted">On top of the AWS MFA code, never instead of it: an approval on the run's page sends an approver whose sign-in is older back to the identity provider first. API tokens and <code>terraform apply</code> cannot prove a sign-in, so approvals here happen on the run's page.</p>
            """
    }

    /// "Team access": which teams may do what here; owners give, change and take it away.
    private func teamAccessSection(csrf: HTML) -> HTML {
        let (organization, environment) = (SiteURL.Parameter.value(self.organization), SiteURL.Parameter.value(self.environment))
        let rows = teamAccess.map { entry -> HTML in
            let remove: HTML = isOwner ? """
                <form class="inline" method="post" action="\(SiteURL.revokeTeamAccess(organization, environment).path)">\(csrf)<input type="hidden" name="team" value="\(entry.team)"><button type="submit" class="danger" aria-label="Take away \(entry.team)'s access">Remove</button></form>
                """ : .empty
            return "<tr><td><a href=\"\(SiteURL.teams(organization).path)#team-\(entry.team)\">\(entry.team)</a></td><td>\(entry.access.label)</td><td>\(remove)</td></tr>"
        }
        let table: HTML = teamAccess.isEmpty ? .empty : """
            <table><thead><tr><th scope="col">Team</th><th scope="col">May</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>\(rows)</tbody></table>
            """
        let open: HTML = isOwner && restrictedToTeams ? """
            <form method="post" action="\(SiteURL.openToMembers(organization, environment).path)" data-confirm="Open \(self.environment) to every member of \(self.organization)? They will read, queue plans and approve applies here.">\(csrf)
            <button type="submit" class="danger">Open to every member</button></form>
            """ : .empty
        let summary: HTML = !restrictedToTeams
            ? "<p class=\"muted\">Not restricted to teams: every member of \(self.organization) reads this environment, queues plans and approves applies; owners administer it.</p>"
            : teamAccess.isEmpty
            ? "<p>Restricted to teams, and no team has access: only owners reach this environment.</p>\(open)"
            : """
            <p class="muted">Restricted to teams: members reach this environment only through the teams below (owners always administer it). Four eyes and the approvals needed count only people who may approve applies here.</p>
            \(table)
            \(open)
            """
        let options = teams.map { "<option value=\"\($0)\">\($0)</option>" as HTML }
        let levels = EnvironmentAccess.allCases.map { level -> HTML in
            "<option value=\"\(level.rawValue)\"\(HTML(trusted: level == .plan ? " selected" : ""))>\(level.label)</option>"
        }
        let form: HTML = !isOwner ? .empty : teams.isEmpty
            ? "<p class=\"muted\">Create teams on <a href=\"\(SiteURL.teams(organization).path)\">the organization's teams page</a> to give them access here.</p>"
            : """
            <form method="post" action="\(SiteURL.teamAccess(organization, environment).path)"><fieldset><legend>Give a team access</legend>\(csrf)
            <label for="team-access-team">Team</label><select id="team-access-team" name="team">\(options)</select>
            <label for="team-access-level">May</label><select id="team-access-level" name="access" aria-describedby="team-access-help">\(levels)</select>
            <p id="team-access-help" class="muted">Each level includes those before it: read; queue plans (and authenticate, discard or cancel them); approve applies; administer (the environment's variables, its state by hand). Its settings stay with owners. The first team given access restricts the environment to teams; taking the last one's access away leaves it to owners until it is opened to every member again.</p>
            <p><button type="submit">Save access</button></p></fieldset></form>
            """
        return """
            <h2>Team access</h2>
            \(summary)
            \(form)
            """
    }

    private func variablesSection(csrf: HTML, fieldError: (String) -> HTML?) -> HTML {
        let (organization, environment) = (SiteURL.Parameter.value(self.organization), SiteURL.Parameter.value(self.environment))
        let rows = variables.map { variable -> HTML in
            let value: HTML = variable.value.map { "<code>\($0)</code>" } ?? "<span class=\"write-only\">Sensitive: write-only</span>"
            let remove: HTML = administersEnvironment ? """
                <form class="inline" method="post" action="\(SiteURL.deleteEnvironmentVariable(organization, environment).path)">\(csrf)<input type="hidden" name="key" value="\(variable.key)"><button type="submit" class="danger" aria-label="Delete \(variable.key)">Delete</button></form>
                """ : .empty
            return "<tr><td><code>\(variable.key)</code></td><td>\(value)</td><td>\(remove)</td></tr>"
        }
        let form: HTML = administersEnvironment ? """
            <form method="post" action="\(SiteURL.environmentVariables(organization, environment).path)"><fieldset><legend>Add or replace an environment variable</legend>\(csrf)
            <label for="environment-variable-key">Key</label><input id="environment-variable-key" name="key" required pattern="[A-Za-z_][A-Za-z0-9_]{0,127}" autocomplete="off" aria-describedby="environment-variable-key-error">
            \(fieldError("environment-variable-key"))
            <label for="environment-variable-value">Value</label><input id="environment-variable-value" name="value" type="password" autocomplete="off" class="wide">
            <label><input type="checkbox" name="sensitive"> Sensitive (write-only: never shown again)</label>
            <p><button type="submit">Save variable</button></p></fieldset></form>
            """ : .empty
        let table: HTML = rows.isEmpty ? "<p class=\"muted\">None.</p>"
            : "<table><thead><tr><th scope=\"col\">Key</th><th scope=\"col\">Value</th><th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th></tr></thead><tbody>\(rows)</tbody></table>"
        return """
            <h2>Environment variables</h2>
            <p class="muted">Passed to Terraform with the organization's variables; the same key here wins.</p>
            \(table)
            \(form)
            """
    }
}
