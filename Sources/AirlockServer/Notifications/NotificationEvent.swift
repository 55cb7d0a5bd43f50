/// What a notification destination is told about.
enum NotificationEvent: String, Codable, Sendable, CaseIterable {
    /// A run waits for people: its apply's confirmation, or an MFA token code (its plan's or its apply's).
    case runWaiting = "run.waiting"
    case runApplied = "run.applied"
    case runErrored = "run.errored"
    /// AWS STS refused someone's MFA token code.
    case mfaFailed = "mfa.failed"
}
