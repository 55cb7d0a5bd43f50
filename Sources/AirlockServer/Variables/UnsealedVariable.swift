/// A variable with its value, for a run's environment or the MFA gate (never for a page or the API).
struct UnsealedVariable: Sendable {
    let key: String
    let value: String
    let sensitive: Bool
}
