import AirlockAWS

extension LoginPage {
    /// The page's body; `csrf` is the visitor's form field.
    func render(csrf: HTML) -> HTML {
        let message: HTML? = error.map { "<p class=\"flash flash-error\" role=\"alert\" id=\"login-error\">\($0)</p>" }
        let singleSignOn: HTML? = singleSignOnName.map { name in
            "<p><a class=\"button\" id=\"single-sign-on\" href=\"\(SiteURL.singleSignOn.path)?next=\(URIEncoding.encode(next))\">Sign in with \(name)</a></p>"
        }
        guard showsPasswordForm else {
            return """
                \(message)
                \(singleSignOn)
                <p class="hint"><a href="\(SiteURL.login.path)?break-glass=1&amp;next=\(URIEncoding.encode(next))">Administrators: log in with a local password</a> (break-glass, logged)</p>
                """
        }
        let breakGlassNote: HTML? = breakGlass
            ? "<p class=\"flash\" role=\"note\">Break-glass login: local passwords are off, so only the server's administrators may log in here, and each login is logged.</p>"
            : nil
        return """
            \(message)
            \(singleSignOn)
            \(breakGlassNote)
            <form method="post" action="\(SiteURL.login.path)">
            \(csrf)
            <input type="hidden" name="next" value="\(next)">
            \(breakGlass ? "<input type=\"hidden\" name=\"break_glass\" value=\"1\">" as HTML : "")
            <label for="username">Username</label>
            <input id="username" name="username" autocomplete="username" required autofocus value="\(username)">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <p><button type="submit">Log in</button></p>
            </form>
            """
    }
}
