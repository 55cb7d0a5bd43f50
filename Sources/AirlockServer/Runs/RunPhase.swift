/// The two phases of a run: `init` and `plan`, then, once approved, `apply` of the saved plan. Each has its own
/// log, its own MFA authentication and session, its own sandbox and folder.
enum RunPhase: String, Codable, Sendable, CaseIterable {
    case plan
    case apply
}
