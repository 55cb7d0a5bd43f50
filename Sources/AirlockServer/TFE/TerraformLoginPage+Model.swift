/// What the page of `terraform login` asks the logged-in user to approve: Terraform's request for an API token
/// in their name, and the listener on this machine the code goes to; rendered by `TerraformLoginPage+View.swift`.
struct TerraformLoginPage {
    let username: String
    let login: TerraformLogin.Request

    /// The form's hidden fields: Terraform's request as it came, checked, for the answer to carry back.
    var hiddenFields: [(name: String, value: String)] {
        [("client_id", TerraformLogin.clientID), ("response_type", "code"), ("redirect_uri", login.redirectURI),
         ("state", login.state), ("code_challenge", login.codeChallenge), ("code_challenge_method", "S256")]
    }
}
