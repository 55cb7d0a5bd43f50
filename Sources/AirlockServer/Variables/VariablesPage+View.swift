extension VariablesPage {
    /// The page's body; `csrf` is the visitor's form field, `fieldError` the flash message about a field.
    func render(csrf: HTML, fieldError: (String) -> HTML?) -> HTML {
        switch self {
        case let .choice(organizations):
            let links = organizations.map { name -> HTML in "<li><a href=\"\(SiteURL.organizationVariablesPage(of: name))\">\(name)</a></li>" }
            return links.isEmpty
                ? "<p class=\"muted\">You are not in an organization yet. <a href=\"\(SiteURL.home.path)\">Create one</a>.</p>"
                : "<p>Choose an organization:</p><ul>\(links)</ul>"
        case let .organization(name, isOwner, variables):
            return Self.render(organization: name, isOwner: isOwner, variables: variables, csrf: csrf, fieldError: fieldError)
        }
    }

    private static func render(organization: String, isOwner: Bool, variables: [ListedVariable], csrf: HTML,
                               fieldError: (String) -> HTML?) -> HTML {
        let rows = variables.map { variable -> HTML in
            let value: HTML = variable.value.map { "<code>\($0)</code>" } ?? "<span class=\"write-only\">Sensitive: write-only</span>"
            let delete: HTML = isOwner ? """
                <form class="inline" method="post" action="\(SiteURL.deleteOrganizationVariable.path)">\(csrf)
                <input type="hidden" name="organization" value="\(organization)"><input type="hidden" name="key" value="\(variable.key)">
                <button type="submit" class="danger" aria-label="Delete \(variable.key)">Delete</button></form>
                """ : .empty
            return "<tr><td><code>\(variable.key)</code></td><td>\(value)</td><td>\(variable.sensitive ? "yes" : "no")</td><td>\(delete)</td></tr>"
        }
        let table: HTML = rows.isEmpty ? "<p class=\"muted\">No variables yet.</p>" : """
            <table><thead><tr><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Sensitive</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        let form: HTML = isOwner ? """
            <form method="post" action="\(SiteURL.organizationVariables.path)"><fieldset><legend>Add or replace a variable</legend>\(csrf)
            <input type="hidden" name="organization" value="\(organization)">
            <label for="variable-key">Key</label>
            <input id="variable-key" name="key" required pattern="[A-Za-z_][A-Za-z0-9_]{0,127}" aria-describedby="variable-key-help variable-key-error" autocomplete="off">
            \(fieldError("variable-key"))
            <p id="variable-key-help" class="muted">An environment variable name, such as AWS_ACCESS_KEY_ID.</p>
            <label for="variable-value">Value</label>
            <input id="variable-value" name="value" type="password" autocomplete="off" class="wide" aria-describedby="variable-value-error">
            \(fieldError("variable-value"))
            <label><input type="checkbox" name="sensitive"> Sensitive (write-only: never shown again)</label>
            <p><button type="submit">Save variable</button></p>
            </fieldset></form>
            """ : "<p class=\"muted\">Only owners change organization variables.</p>"
        return """
            <p>Organization <a href="\(SiteURL.organization(.value(organization)).path)">\(organization)</a>. Every run of its environments gets these.
            Multi-factor authentication for AWS needs <code>AWS_ACCESS_KEY_ID</code>, <code>AWS_SECRET_ACCESS_KEY</code> and <code>AWS_MFA_SERIAL_NUMBER</code>.</p>
            \(table)
            \(form)
            """
    }
}
