import Foundation

/// Where a run phase's time went (queue wait, AWS session, sandbox start, each Terraform command, saving the plan,
/// the state saves), written as one line at the end of the phase's log.
struct PhaseTimings: Sendable {
    private(set) var steps: [(name: String, duration: Duration)] = []

    /// Adds `duration` to `step` (a step that happens more than once, like a sandbox start, is summed).
    mutating func add(_ step: String, _ duration: Duration) {
        if let index = steps.firstIndex(where: { $0.name == step }) {
            steps[index].duration += duration
        } else {
            steps.append((step, duration))
        }
    }

    /// "Timings: queue wait 120 ms · init 1.23 s · plan 2.50 s", or nil when nothing was timed.
    var line: String? {
        guard !steps.isEmpty else { return nil }
        return "Timings: " + steps.map { "\($0.name) \(Self.format($0.duration))" }.joined(separator: " · ")
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : String(format: "%.2f s", seconds)
    }
}
