/// Why an approval needs the approver to sign in at the identity provider again first.
enum StepUpRefusal: Refusal {
    /// No proof at all: an API token, or a session that began with a password.
    case noProviderSignIn(minutes: Int)
    /// The last authentication at the provider is older than the environment allows.
    case signInTooOld(minutes: Int)
    /// The environment wants a second factor at the provider and its `amr` names none.
    case noSecondFactor(minutes: Int)

    /// The provider's `max_age` for the fresh sign-in that satisfies it.
    var maximumAgeSeconds: Int {
        switch self {
        case let .noProviderSignIn(minutes), let .signInTooOld(minutes), let .noSecondFactor(minutes): minutes * 60
        }
    }

    var kind: RefusalKind { .forbidden }

    var code: String { "step_up_required" }

    var message: String {
        switch self {
        case let .noProviderSignIn(minutes):
            "Approvals in this environment need a sign-in at the identity provider within the last \(minutes) minutes: approve on the run's page, signed in through the identity provider."
        case let .signInTooOld(minutes):
            "Approvals in this environment need a sign-in at the identity provider within the last \(minutes) minutes: sign in there again, then approve."
        case .noSecondFactor:
            "Approvals in this environment need a sign-in at the identity provider with a second factor, and it reports none for yours: sign in there again with one, then approve."
        }
    }
}
