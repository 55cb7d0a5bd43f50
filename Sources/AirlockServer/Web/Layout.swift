import Vapor

/// The frame of every page: header with navigation and the user, the flash message, the content.
enum Layout {
    /// Renders a page for `request`.
    /// `formTargets` are origins beyond the server's own that the page's forms may lead to, redirects included
    /// (Content-Security-Policy's `form-action` applies to where a submission is redirected, too).
    static func render(_ title: String, _ content: HTML, status: HTTPResponseStatus = .ok, formTargets: [String] = [],
                       for request: Request) -> Response {
        let user = request.auth.get(User.self)
        // A refusal about one field is shown beside it when the page has that field; otherwise at the top.
        // A message the page shows already (the lock's refusal, say) is not repeated.
        let flash = Flash.take(from: request).flatMap { flash -> HTML? in
            if let field = flash.field, content.text.contains("id=\"\(field)-error\"") { return nil }
            if flash.kind == .error, content.text.contains(HTML("\(flash.message)").text) { return nil }
            return "<p class=\"flash flash-\(flash.kind.rawValue)\" role=\"\(flash.kind == .error ? "alert" : "status")\">\(flash.message)</p>"
        }
        let navigation: HTML = user.map { user in
            """
            <nav aria-label="Main"><a href="\(SiteURL.home.path)">Organizations</a> <a href="\(SiteURL.organizationVariables.path)">Variables</a> <a href="\(SiteURL.tokens.path)">API tokens</a></nav>
            <form class="logout" method="post" action="\(SiteURL.logout.path)">\(CSRF.field(for: request))<span>\(user.username)</span> <button type="submit">Log out</button></form>
            """
        } ?? .empty
        let page: HTML = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · Airlock</title>
            <link rel="stylesheet" href="/assets/airlock.css">
            <script src="/assets/airlock.js" defer></script>
            </head>
            <body>
            <header><a class="brand" href="\(SiteURL.home.path)">Airlock</a>\(navigation)</header>
            <main>
            \(flash)
            <h1>\(title)</h1>
            \(content)
            </main>
            </body>
            </html>
            """
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'self'; frame-ancestors 'none'; form-action " + (["'self'"] + formTargets).joined(separator: " "))
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        return Response(status: status, headers: headers, body: .init(string: page.text))
    }
}
