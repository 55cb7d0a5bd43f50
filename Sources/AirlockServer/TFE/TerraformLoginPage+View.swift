extension TerraformLoginPage {
    /// The page's body; `csrf` is the visitor's form field.
    func render(csrf: HTML) -> HTML {
        let hidden = hiddenFields.map { field -> HTML in "<input type=\"hidden\" name=\"\(field.name)\" value=\"\(field.value)\">" }
        return """
            <p>Terraform's CLI on this machine asks for an API token for <strong>\(username)</strong>, lasting \(TerraformLogin.tokenLifetimeDays) days:
            with it, Terraform acts as you (your organizations, their environments and states, queueing and approving runs).</p>
            <p>The token goes to Terraform's listener on port <strong>\(login.port)</strong> of this machine (<code>\(login.redirectURI)</code>).</p>
            <p class="muted">Only approve if you just ran <code>terraform login</code> and it waits on that port. You can revoke the token at /settings/tokens.</p>
            <form method="post" action="\(SiteURL.terraformLogin.path)">\(csrf)\(hidden)
            <button type="submit" name="decision" value="approve">Approve</button>
            <button type="submit" name="decision" value="deny">Deny</button></form>
            """
    }
}
