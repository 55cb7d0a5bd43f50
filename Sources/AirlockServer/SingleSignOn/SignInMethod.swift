/// How a person came in, as owners see it.
enum SignInMethod: String, Codable, Sendable {
    /// Username and local password.
    case password
    /// Through the identity provider.
    case singleSignOn = "single-sign-on"
    /// An administrator's local password while local passwords are off (logged as a warning).
    case breakGlass = "break-glass"
}
