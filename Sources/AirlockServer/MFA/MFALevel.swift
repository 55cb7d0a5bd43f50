/// The environment setting "AWS Multi-Factor Authentication": which phases of a run need a token code.
enum MFALevel: String, Codable, Sendable, CaseIterable {
    case never
    case appliesOnly = "applies_only"
    case plansAndApplies = "plans_and_applies"

    /// The option's label on the settings page, exactly as the reference names it.
    var label: String {
        switch self {
        case .never: "never"
        case .appliesOnly: "applies only"
        case .plansAndApplies: "plans and applies"
        }
    }

    func requiresMFA(for phase: RunLogChunk.Phase) -> Bool {
        switch (self, phase) {
        case (.never, _), (.appliesOnly, .plan): false
        case (.appliesOnly, .apply), (.plansAndApplies, _): true
        }
    }
}
