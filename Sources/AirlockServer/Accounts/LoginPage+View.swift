extension LoginPage {
    /// The page's body; `csrf` is the visitor's form field.
    func render(csrf: HTML) -> HTML {
        let message: HTML? = error.map { "<p class=\"flash flash-error\" role=\"alert\" id=\"login-error\">\($0)</p>" }
        return """
            \(message)
            <form method="post" action="\(SiteURL.login.path)">
            \(csrf)
            <input type="hidden" name="next" value="\(next)">
            <label for="username">Username</label>
            <input id="username" name="username" autocomplete="username" required autofocus value="\(username)">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <p><button type="submit">Log in</button></p>
            </form>
            """
    }
}
