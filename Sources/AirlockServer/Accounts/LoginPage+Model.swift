/// What the login page shows: the identity provider's button, the password form (unless local passwords are off
/// and this is not the break-glass form), where the visitor goes afterwards (a path of this server only), the
/// username typed so far and why the last attempt failed; rendered by `LoginPage+View.swift`.
struct LoginPage {
    /// Always a path of this server (`safeDestination`).
    let next: String
    let username: String
    let error: String?
    /// "Sign in with <name>", when the server has an identity provider.
    var singleSignOnName: String?
    /// Whether the password form shows: local passwords are on, or this is the administrators' break-glass form.
    var showsPasswordForm = true
    /// Whether this is the break-glass form (local passwords off), which says so.
    var breakGlass = false

    init(next: String?, username: String = "", error: String? = nil) {
        self.next = Self.safeDestination(next)
        self.username = username
        self.error = error
    }

    /// The page as the server's sign-in policy shapes it; `breakGlass` when the visitor asked for that form.
    func shaped(by policy: SignInPolicy, breakGlass asked: Bool) -> LoginPage {
        var page = self
        page.singleSignOnName = policy.singleSignOn?.displayName
        page.breakGlass = !policy.localPasswords && asked
        page.showsPasswordForm = policy.localPasswords || page.breakGlass
        return page
    }

    /// Where to go after logging in: a path on this server only, never another site.
    static func safeDestination(_ next: String?) -> String {
        // A path of this site in printable ASCII: no scheme or `//` host, no backslash (browsers read it as
        // `/`), no control character or space (a tab is dropped by browsers, CR/LF would end the header).
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), next.utf8.count <= 2048,
              next.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && $0 != "\\" }) else { return "/" }
        return next
    }
}
