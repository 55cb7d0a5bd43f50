/// An IAM Identity Center (SSO) profile: the role in an account its portal hands credentials for, and the sign-in
/// whose access token `aws sso login` left in `~/.aws/sso/cache`.
///
/// With `sso_session`, the start URL and region come from the `[sso-session NAME]` section and the token is found
/// (and refreshed) under the session's name; the legacy form has `sso_start_url` and `sso_region` in the profile and
/// finds the token under the start URL.
public struct SingleSignOnSettings: Sendable, Equatable {
    public var profile: String
    public var startURL: String
    /// The region of the Identity Center portal (not necessarily the profile's `region`).
    public var region: String
    public var accountID: String
    public var roleName: String
    /// The `[sso-session NAME]` the profile names, nil for the legacy form.
    public var sessionName: String?

    public init(profile: String, startURL: String, region: String, accountID: String, roleName: String, sessionName: String? = nil) {
        self.profile = profile
        self.startURL = startURL
        self.region = region
        self.accountID = accountID
        self.roleName = roleName
        self.sessionName = sessionName
    }
}
