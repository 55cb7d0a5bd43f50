extension EnvironmentsPage {
    /// The page's body; `csrf` is the visitor's form field, `fieldError` the flash message about a field.
    func render(csrf: HTML, fieldError: (String) -> HTML?) -> HTML {
        let items = environments.map { environment -> HTML in
            "<li><a href=\"\(SiteURL.environment(.value(organization), .value(environment)).path)\">\(environment)</a></li>"
        }
        let listPath = SiteURL.environments(.value(organization)).path
        let search: HTML = """
            <form method="get" action="\(listPath)" role="search"><label for="environment-search">Find an environment</label>
            <input id="environment-search" name="search" type="search" value="\(listing.search ?? "")" placeholder="part of its name">
            <button type="submit">Find</button>\(listing.search == nil ? "" : " <a href=\"\(listPath)\">Show all</a>" as HTML)</form>
            """
        var pages: [HTML] = []
        if let firstPage { pages.append("<a href=\"\(SiteURL.environmentsPage(of: organization, firstPage))\">First page</a>") }
        if let nextPage { pages.append("<a href=\"\(SiteURL.environmentsPage(of: organization, nextPage))\" rel=\"next\">Next page</a>") }
        let paging: HTML = pages.isEmpty ? "" : "<nav aria-label=\"Pages\"><p>\(Array(pages.map { [$0] }.joined(separator: [" · " as HTML])))</p></nav>"
        let form: HTML = isOwner ? """
            <form method="post" action="\(listPath)"><fieldset><legend>New environment</legend>\(csrf)
            <label for="environment-name">Name</label>
            <input id="environment-name" name="name" required pattern="[a-z0-9][a-z0-9._\\-]{1,38}" aria-describedby="environment-name-help environment-name-error">
            \(fieldError("environment-name"))
            <p id="environment-name-help" class="muted">2 to 39 characters: lower-case letters, digits, dot, dash, underscore.</p>
            <button type="submit">Create environment</button></fieldset></form>
            """ : "<p class=\"muted\">Only owners create environments.</p>"
        let empty: HTML = listing.search == nil && listing.after == nil ? "No environments yet." : "No environments match."
        let list: HTML = items.isEmpty ? "<p class=\"muted\">\(empty)</p>" : "<ul>\(items)</ul>"
        return """
            \(search)
            \(list)
            \(paging)
            \(form)
            """
    }
}
