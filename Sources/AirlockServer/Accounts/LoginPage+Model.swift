/// What the login form shows: where the visitor goes after logging in (a path of this server only), the
/// username typed so far and why the last attempt failed; rendered by `LoginPage+View.swift`.
struct LoginPage {
    /// Always a path of this server (`safeDestination`).
    let next: String
    let username: String
    let error: String?

    init(next: String?, username: String = "", error: String? = nil) {
        self.next = Self.safeDestination(next)
        self.username = username
        self.error = error
    }

    /// Where to go after logging in: a path on this server only, never another site.
    static func safeDestination(_ next: String?) -> String {
        // A path of this site in printable ASCII: no scheme or `//` host, no backslash (browsers read it as
        // `/`), no control character or space (a tab is dropped by browsers, CR/LF would end the header).
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"),
              next.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && $0 != "\\" }) else { return "/" }
        return next
    }
}
