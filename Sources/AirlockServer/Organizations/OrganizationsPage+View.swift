extension OrganizationsPage {
    /// The page's body; `csrf` is the visitor's form field, `fieldError` the flash message about a field.
    func render(csrf: HTML, fieldError: (String) -> HTML?) -> HTML {
        let rows = organizations.map { entry -> HTML in
            """
            <tr><td><a href="\(SiteURL.organization(.value(entry.name)).path)">\(entry.name)</a></td><td>\(entry.role.rawValue)</td>
            <td><a href="\(SiteURL.environments(.value(entry.name)).path)">Environments</a> · <a href="\(SiteURL.organizationVariablesPage(of: entry.name))">Variables</a></td></tr>
            """
        }
        let table: HTML = rows.isEmpty
            ? "<p class=\"muted\">You are not in an organization yet. \(mayCreate ? "Create one, or ask" : "Ask") an owner to add you.</p>"
            : "<table><thead><tr><th scope=\"col\">Organization</th><th scope=\"col\">Your role</th><th scope=\"col\">Go to</th></tr></thead><tbody>\(rows)</tbody></table>"
        let createForm: HTML = mayCreate ? """
            <form method="post" action="\(SiteURL.organizations.path)"><fieldset><legend>New organization</legend>
            \(csrf)
            <label for="organization-name">Name</label>
            <input id="organization-name" name="name" required pattern="[a-z0-9][a-z0-9._\\-]{1,38}" aria-describedby="organization-name-help organization-name-error">
            \(fieldError("organization-name"))
            <p id="organization-name-help" class="muted">2 to 39 characters: lower-case letters, digits, dot, dash, underscore.</p>
            <button type="submit">Create organization</button>
            </fieldset></form>
            """ : "<p class=\"muted\">This server's administrators create organizations.</p>"
        return """
            \(table)
            \(createForm)
            """
    }
}
