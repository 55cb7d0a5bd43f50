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

    /// The stricter of two levels: a run confirmed after an owner raised the setting is held to the new one.
    static func stricter(_ first: MFALevel, _ second: MFALevel) -> MFALevel {
        first.strictness >= second.strictness ? first : second
    }

    /// How many phases need a code.
    private var strictness: Int {
        switch self {
        case .never: 0
        case .appliesOnly: 1
        case .plansAndApplies: 2
        }
    }

    func requiresMFA(for phase: RunPhase) -> Bool {
        switch (self, phase) {
        case (.never, _), (.appliesOnly, .plan): false
        case (.appliesOnly, .apply), (.plansAndApplies, _): true
        }
    }
}
